/**
 * The generator's straggling chunk (src/check/straggler.ts): in about one scenario in eight of a
 * column with messages, never in a column without them or in an audit that draws no lost requests
 * or no QP errors; when it fires, a message's first packet is lost once on path 0 while A's QP on
 * path 1 fails as it is sent, which makes NCCL's replay of a chunk that is only late likely.
 */
import fc from 'fast-check';
import { properties } from '../../properties';
import { scenarioArbitrary } from '../../src/check';
import { DRAWN_FAULT_KINDS } from '../../src/check/given';
import { stragglerDraw } from '../../src/check/straggler';
import type { Scenario } from '../../src/core/scenario';
import type { Opcode } from '../../src/core/verbs';
import { layers } from '../../src/layers';
import { NCCL_QP_SETTINGS } from '../../src/layers/nccl/source';
import { expectValidWithin, posts, shareFailing } from './shapes';

const isMessage = (o: Opcode) => o === 'SEND' || o === 'WRITE_WITH_IMM';
const SAMPLED = 800;
const sample = (opcodes: Opcode[], seed: number) =>
  fc.sample(scenarioArbitrary({ opcodes, swarm: true, config: NCCL_QP_SETTINGS }), { seed, numRuns: SAMPLED });

/** A message whose first request packet is lost once on path 0, and A's QP 1 failing at that message's send. */
function straggling(s: Scenario): boolean {
  const [lost, failing] = s.faults.filter((f) => f.kind === 'drop-request' || f.kind === 'qp-error').slice(-2);
  if (lost?.kind !== 'drop-request' || failing?.kind !== 'qp-error') return false;
  const message = posts(s).find((p) => p.wr.id === lost.wr);
  return (
    message !== undefined &&
    isMessage(message.wr.opcode) &&
    lost.path === 0 &&
    lost.count === 1 &&
    failing.host === 'A' &&
    failing.path === 1 &&
    failing.after.on === 'send' &&
    failing.after.wr === lost.wr
  );
}

describe('the straggling chunk', () => {
  it('is never drawn in a column without messages, nor when the audit draws no lost requests or no QP errors', () => {
    const never = (opcodes: Opcode[], kinds = DRAWN_FAULT_KINDS) =>
      fc.sample(stragglerDraw(opcodes, 4, kinds), { seed: 1, numRuns: 200 }).every((d) => d === undefined);
    expect(never(['WRITE', 'READ', 'FETCH_ADD', 'CMP_SWAP'])).toBe(true);
    expect(
      never(
        ['SEND'],
        DRAWN_FAULT_KINDS.filter((k) => k !== 'qp-error'),
      ),
    ).toBe(true);
    expect(
      never(
        ['WRITE_WITH_IMM'],
        DRAWN_FAULT_KINDS.filter((k) => k !== 'drop-request'),
      ),
    ).toBe(true);
    expect(never(['SEND'])).toBe(false);
    expect(sample(['WRITE'], 3).some(straggling)).toBe(false);
  });

  it('keeps every scenario valid and within its op classes', () => {
    for (const opcodes of [['SEND'], ['WRITE', 'WRITE_WITH_IMM'], ['READ', 'SEND']] as Opcode[][])
      expectValidWithin(opcodes, sample(opcodes, 5).filter(straggling));
  });

  it('fires in about 1 WRITE_WITH_IMM scenario in 6-14, and NCCL then executes a chunk twice in about 2 of 5 of them', async () => {
    const fired = sample(['WRITE_WITH_IMM'], 7).filter(straggling);
    expect(fired.length).toBeGreaterThanOrEqual(SAMPLED / 14);
    expect(fired.length).toBeLessThanOrEqual(SAMPLED / 6);
    expect(await shareFailing(fired, layers.ncclIbResiliency, properties.atMostOnce)).toBeGreaterThan(0.3);
  });
});
