/**
 * The generator's stale READ response (src/check/staleResponse.ts): in about one scenario in eight
 * of a column with READs whose retry cycle is a congestion episode's length (at most 1 ms), never
 * in a column without READs or in an audit that draws no delays; when it fires, a READ's packets
 * are held just past the retry cycle and a READ of another word follows its completion, which
 * makes timer-hedge's stale-response defect (a READ completed with the old connection's response)
 * likely.
 */
import fc from 'fast-check';
import { properties } from '../../properties';
import { scenarioArbitrary } from '../../src/check';
import { DRAWN_FAULT_KINDS } from '../../src/check/given';
import { staleResponseDraw } from '../../src/check/staleResponse';
import type { Scenario } from '../../src/core/scenario';
import { ibTimerNs } from '../../src/core/verbs';
import type { Opcode } from '../../src/core/verbs';
import { layers } from '../../src/layers';
import { expectValidWithin, posts, shareFailing } from './shapes';

const SAMPLED = 800;
const sample = (opcodes: Opcode[], seed: number) =>
  fc.sample(scenarioArbitrary({ opcodes, swarm: true }), { seed, numRuns: SAMPLED });

/** A READ whose packets are all held past the whole retry cycle, then a READ of another word posted on its delivery. */
function staleShape(s: Scenario): boolean {
  const held = s.faults.at(-1);
  if (held?.kind !== 'delay' || held.path !== undefined || held.count !== 'all') return false;
  const cycleNs = ((s.config?.retryCnt ?? 0) + 1) * ibTimerNs(s.config?.timeout ?? 0);
  const ps = posts(s);
  const i = ps.findIndex((p) => p.wr.id === held.wr);
  const [first, next] = [ps[i], ps[i + 1]];
  return (
    first?.wr.opcode === 'READ' &&
    next?.wr.opcode === 'READ' &&
    next.wr.addr !== first.wr.addr &&
    next.after?.on === 'deliver' &&
    next.after.wr === first.wr.id &&
    held.delayNs > cycleNs
  );
}

describe('the stale READ response', () => {
  it('is never drawn in a column without READs, nor when the audit draws no delays', () => {
    const never = (opcodes: Opcode[], kinds = DRAWN_FAULT_KINDS) =>
      fc.sample(staleResponseDraw(opcodes, 4, kinds), { seed: 1, numRuns: 200 }).every((d) => d === undefined);
    expect(never(['WRITE', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'WRITE_WITH_IMM'])).toBe(true);
    expect(
      never(
        ['READ'],
        DRAWN_FAULT_KINDS.filter((k) => k !== 'delay'),
      ),
    ).toBe(true);
    expect(never(['READ'])).toBe(false);
    expect(sample(['WRITE'], 3).some(staleShape)).toBe(false);
  });

  it('keeps every scenario valid and within its op classes', () => {
    for (const opcodes of [['READ'], ['READ', 'SEND'], ['WRITE', 'READ', 'CMP_SWAP']] as Opcode[][])
      expectValidWithin(opcodes, sample(opcodes, 5).filter(staleShape));
  });

  it('fires in about 1 READ scenario in 7-20 (1 in 8, less those at a deployment timeout), and timer-hedge then completes a READ that never ran in over 3 in 10 of them (about 6 in 10)', async () => {
    const fired = sample(['READ'], 7).filter(staleShape);
    expect(fired.length).toBeGreaterThanOrEqual(SAMPLED / 20);
    expect(fired.length).toBeLessThanOrEqual(SAMPLED / 7);
    expect(await shareFailing(fired, layers.timerHedge, properties.completionFidelity)).toBeGreaterThan(0.3);
  });
});
