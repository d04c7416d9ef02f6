import fc from 'fast-check';
import { sim } from '../../adapters/sim';
import { twinRepeatsRun, twinScenario } from '../../properties/support/twin';
import { opClassArbitrary } from '../../src/check/checkLayer';
import { resolveCheckOptions } from '../../src/check/options';
import { faultsReached } from '../../src/core/reached';
import type { Scenario } from '../../src/core/scenario';
import { layers } from '../../src/layers';
import { post } from './canaries';

// sender-view-determinism skips the twin run when the run reached none of the faults the twin
// swaps (issue 13): sound only if the twin's trace is then the run's, event for event.
describe('the twin shortcut', () => {
  const adapter = sim();
  for (const name of ['completionLog', 'shift', 'failStop'] as const) {
    it(`${name}: when the run reached no fault the twin swaps, the twin's trace is the run's`, () => {
      const layer = layers[name];
      const o = resolveCheckOptions(layer, {});
      let skipped = 0;
      let ran = 0;
      for (const opcode of ['WRITE', 'SEND', 'CMP_SWAP'] as const) {
        const scenarios = fc.sample(opClassArbitrary(opcode, o), { seed: 5, numRuns: 60 }) as Scenario[];
        for (const s of scenarios) {
          const twin = twinScenario(s);
          if (!twin) continue;
          const run = adapter.runSync!(s, layer);
          if (!twinRepeatsRun(run)) {
            ran++;
            continue;
          }
          skipped++;
          expect(JSON.stringify(adapter.runSync!(twin, layer).trace)).toBe(JSON.stringify(run.trace));
        }
      }
      // Both branches are taken, so the check above is exercised and the shortcut is not "always".
      expect(skipped).toBeGreaterThan(0);
      expect(ran).toBeGreaterThan(0);
    });
  }

  it('a fault the run never reached lets the twin be skipped; without the record (another adapter) it never is', () => {
    const s: Scenario = {
      workload: [post({ id: 1, opcode: 'WRITE', addr: 0, value: 1 })],
      faults: [{ kind: 'drop-request', wr: 99 }],
    } as Scenario;
    const run = adapter.runSync!(s, layers.completionLog);
    expect(faultsReached(run)).toEqual([false]);
    expect(twinRepeatsRun(run)).toBe(true);
    expect(twinRepeatsRun({ ...run })).toBe(false);
  });

  it('a drop aimed at a WR that was sent is reached, in either direction', () => {
    for (const kind of ['drop-request', 'drop-response'] as const) {
      const s = {
        workload: [post({ id: 1, opcode: 'WRITE', addr: 0, value: 1 })],
        faults: [{ kind, wr: 1 }],
      } as Scenario;
      expect(faultsReached(adapter.runSync!(s, layers.passThrough))).toEqual([true]);
    }
  });
});
