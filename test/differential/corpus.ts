/**
 * The differential corpus: scenarios run on the simulator (nic 'rxe') and on kernel Soft-RoCE
 * through the native adapter, with the pass-through and fail-stop layers (their decisions do not
 * depend on timing). The paper's T1/T2, one scenario per rule of the rxe profile, and generated
 * scenarios restricted to what the native adapter injects exactly (drops of A's WRs' packets),
 * with NIC timeouts of 10 or less so that real time stays bounded.
 */
import fc from 'fast-check';
import type { Scenario, WorkloadStep } from '../../src/core/scenario';
import type { SendWr } from '../../src/core/verbs';

/** One corpus entry. */
export interface DifferentialCase {
  name: string;
  layer: 'passThrough' | 'failStop';
  scenario: Scenario;
}

/** Every corpus scenario runs with these (the rxe profile; retransmission timers of 8 ms or less). */
const BASE = { nic: 'rxe' as const, timeout: 10, retryCnt: 2, rnrRetry: 1 };

const fadd = (id: number): SendWr => ({ id, opcode: 'FETCH_ADD', addr: 0, add: 1 });
const posts = (wrs: SendWr[]): WorkloadStep[] => wrs.map((wr) => ({ kind: 'post', wr }));

/** The hand-written cases: the paper's T1/T2 and one per fidelity rule. */
export const NAMED_CASES: DifferentialCase[] = [
  {
    name: 'T1: every request of the WRITE lost',
    layer: 'passThrough',
    scenario: {
      config: BASE,
      workload: posts([{ id: 1, opcode: 'WRITE', addr: 0, value: 1 }]),
      faults: [{ kind: 'drop-request', wr: 1, count: 'all' }],
    },
  },
  {
    name: 'T2: every response of the WRITE lost, B reuses the word',
    layer: 'passThrough',
    scenario: {
      config: BASE,
      workload: [
        ...posts([{ id: 1, opcode: 'WRITE', addr: 0, value: 1 }]),
        { kind: 'reuse', addr: 0, expect: 1, value: 2 },
      ],
      faults: [{ kind: 'drop-response', wr: 1, count: 'all' }],
    },
  },
  {
    name: 'drop the response of WR 1 once, 5 FETCH_ADDs',
    layer: 'passThrough',
    scenario: {
      config: BASE,
      workload: posts([1, 2, 3, 4, 5].map(fadd)),
      faults: [{ kind: 'drop-response', wr: 1, count: 1 }],
    },
  },
  {
    name: 'initiator depth 1 (max_rd_atomic) under max_dest_rd_atomic 4, a response lost',
    layer: 'passThrough',
    scenario: {
      config: { ...BASE, maxDestRdAtomic: 4, maxRdAtomic: 1 },
      workload: posts([1, 2, 3, 4].map(fadd)),
      faults: [{ kind: 'drop-response', wr: 2, count: 1 }],
    },
  },
  {
    name: 'retry_cnt 7 under rxe: 9 responses lost, the WRITE still succeeds',
    layer: 'passThrough',
    scenario: {
      config: { ...BASE, retryCnt: 7 },
      workload: posts([{ id: 1, opcode: 'WRITE', addr: 1, value: 5 }]),
      faults: [{ kind: 'drop-response', wr: 1, count: 9 }],
    },
  },
  {
    name: "netdev down = nic-death under rxe: A's NIC 0 dead before the WRITE",
    layer: 'failStop',
    scenario: {
      config: BASE,
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 3 }, after: { on: 'post', wr: 9 } },
        ...posts([{ id: 9, opcode: 'FETCH_ADD', addr: 1, add: 1 }]),
      ],
      faults: [{ kind: 'nic-death', host: 'A', path: 0, after: { on: 'deliver', wr: 9 } }],
    },
  },
  {
    name: 'RNR exhaustion: a SEND with no RECV posted',
    layer: 'passThrough',
    scenario: {
      config: { ...BASE, rnrRetry: 1 },
      workload: posts([{ id: 1, opcode: 'SEND', value: 4 }]),
      faults: [],
    },
  },
  {
    name: "B's QP forced to ERR after WR 1 completes (flushes), fail-stop",
    layer: 'failStop',
    scenario: {
      config: BASE,
      workload: posts([fadd(1), fadd(2)]),
      faults: [{ kind: 'qp-error', host: 'B', path: 0, after: { on: 'deliver', wr: 1 } }],
    },
  },
];

/** How many generated cases the corpus holds. */
export const GENERATED_CASES = 56;

/** Scenarios drawn with a fixed seed: A's posts (B's RECVs for SENDs), exact drops of A's WRs. */
export function generatedCases(count = GENERATED_CASES, seed = 11): DifferentialCase[] {
  const op = fc.record({
    opcode: fc.constantFrom('WRITE', 'READ', 'FETCH_ADD', 'CMP_SWAP', 'SEND' as const),
    addr: fc.integer({ min: 0, max: 3 }),
    value: fc.integer({ min: 1, max: 9 }),
    compare: fc.integer({ min: 0, max: 1 }),
  });
  const drop = fc.record({
    kind: fc.constantFrom('drop-request' as const, 'drop-response' as const),
    wr: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    nth: fc.integer({ min: 1, max: 3 }),
    count: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant<'all'>('all')),
  });
  const draft = fc.record({
    ops: fc.array(op, { minLength: 1, maxLength: 4 }),
    drops: fc.array(drop, { minLength: 1, maxLength: 2 }),
    retryCnt: fc.integer({ min: 1, max: 3 }),
    timeout: fc.integer({ min: 8, max: 10 }),
    maxDestRdAtomic: fc.constantFrom(1, 2, 4),
    failStop: fc.boolean(),
  });
  return fc.sample(draft, { seed, numRuns: count }).map((d, k) => {
    const wrs: SendWr[] = d.ops.map((o, i) => {
      const id = i + 1;
      switch (o.opcode) {
        case 'WRITE':
          return { id, opcode: 'WRITE', addr: o.addr, value: o.value };
        case 'READ':
          return { id, opcode: 'READ', addr: o.addr };
        case 'FETCH_ADD':
          return { id, opcode: 'FETCH_ADD', addr: o.addr, add: o.value };
        case 'CMP_SWAP':
          return { id, opcode: 'CMP_SWAP', addr: o.addr, compare: o.compare, swap: o.value };
        default:
          return { id, opcode: 'SEND', value: o.value };
      }
    });
    const recvs: WorkloadStep[] = wrs
      .filter((w) => w.opcode === 'SEND')
      .map((w) => ({ kind: 'recv', wr: { id: 100 + w.id } }));
    const faults = d.drops.map((f) => ({
      kind: f.kind,
      path: 0,
      ...(f.wr !== undefined ? { wr: Math.min(f.wr, wrs.length) } : {}),
      nth: f.nth,
      count: f.count,
    }));
    return {
      name: `generated #${k + 1}`,
      layer: d.failStop ? 'failStop' : 'passThrough',
      scenario: {
        config: { ...BASE, retryCnt: d.retryCnt, timeout: d.timeout, maxDestRdAtomic: d.maxDestRdAtomic },
        workload: [...recvs, ...posts(wrs)],
        faults,
      },
    };
  });
}

/** The whole corpus, named cases first. */
export function differentialCorpus(): DifferentialCase[] {
  return [...NAMED_CASES, ...generatedCases()];
}
