/** A plain fast-check arbitrary of simulator scenarios, for the simulator's own tests and bench. */
import fc from 'fast-check';
import type { Fault, Scenario, WorkloadStep } from '../../src/scenario';
import { OPCODES } from '../../src/verbs';

const post = (id: number) =>
  fc.record({
    opcode: fc.constantFrom(...OPCODES),
    addr: fc.integer({ min: 0, max: 3 }),
    value: fc.integer({ min: 0, max: 9 }),
    add: fc.integer({ min: 1, max: 3 }),
    compare: fc.integer({ min: 0, max: 2 }),
    swap: fc.integer({ min: 0, max: 2 }),
  }).map(({ opcode, addr, value, add, compare, swap }): WorkloadStep => {
    const wr = { id, opcode, ...(opcode === 'SEND' ? { value: 100 + id } : { addr }),
      ...(opcode === 'WRITE' || opcode === 'WRITE_WITH_IMM' ? { value } : {}),
      ...(opcode === 'FETCH_ADD' ? { add } : {}), ...(opcode === 'CMP_SWAP' ? { compare, swap } : {}) };
    return { kind: 'post', wr };
  });

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constantFrom('drop-request' as const, 'drop-response' as const), path: fc.constant(0),
    nth: fc.integer({ min: 1, max: 3 }), count: fc.constantFrom<number | 'all'>(1, 2, 'all') }),
  fc.record({ kind: fc.constant('delay' as const), direction: fc.constantFrom('request' as const, 'response' as const),
    delayNs: fc.integer({ min: 0, max: 200_000 }), nth: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('link-down' as const), path: fc.constant(0), direction: fc.constantFrom('both' as const, 'a-to-b' as const, 'b-to-a' as const),
    after: fc.record({ on: fc.constant('execute' as const), wr: fc.integer({ min: 1, max: 4 }) }) }),
  fc.record({ kind: fc.constant('nic-death' as const), host: fc.constantFrom('A' as const, 'B' as const), path: fc.constant(0),
    after: fc.constant({ on: 'start' as const }) }),
);

/** Scenarios of 1-4 posts, RECVs for every SEND, maybe a reuse and a third party, 0-2 faults. */
export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.array(fault, { maxLength: 2 }), fc.boolean(), fc.boolean())
  .chain(([n, faults, reuse, third]) =>
    fc.tuple(...Array.from({ length: n }, (_, k) => post(k + 1))).map((posts): Scenario => ({
      workload: [
        ...posts.map((_, k): WorkloadStep => ({ kind: 'recv', wr: { id: k + 1 } })),
        ...posts,
        ...(reuse ? [{ kind: 'reuse' as const, addr: 0, expect: 1, value: 7 }] : []),
        ...(third ? [{ kind: 'third' as const, op: 'CMP_SWAP' as const, addr: 0, compare: 1, swap: 0, after: { on: 'execute' as const, wr: 1 } }] : []),
      ],
      faults,
    })),
  );
