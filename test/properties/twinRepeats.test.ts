import fc from 'fast-check';
import { sim } from '../../adapters/sim';
import { compareWithTwin, splitDecisions, twinRepeatsRun, twinScenario } from '../../properties/support/twin';
import type { TwinComparison } from '../../properties/support/twin';
import type { FailoverLayer } from '../../src/core/layer';
import { opClassArbitrary } from '../../src/check/checkLayer';
import { resolveCheckOptions } from '../../src/check/options';
import { faultsReached } from '../../src/core/reached';
import type { Scenario } from '../../src/core/scenario';
import { layers } from '../../src/layers';
import { post, sharedStateCheat } from './canaries';

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

  // The twin that stops once decided (runSyncWatched) must find what the whole twin finds. A
  // heartbeat (a timer that only re-arms itself) makes the simulator fold idle firings into an
  // already recorded TimerFired: the one event that changes after it is recorded.
  const heartbeat = (layer: FailoverLayer): FailoverLayer => ({
    name: `${layer.name}+heartbeat`,
    create(env) {
      const inner = layer.create(env);
      env.setTimer(100_000, 'heartbeat');
      return {
        ...inner,
        onTimer(token) {
          if (token !== 'heartbeat') return inner.onTimer?.(token);
          env.setTimer(100_000, 'heartbeat');
        },
      };
    },
  });
  const watchedCases: [string, FailoverLayer][] = [
    ['completionLog', layers.completionLog],
    ['shift', layers.shift],
    ['timerHedge', layers.timerHedge],
    ['failStop with a heartbeat', heartbeat(layers.failStop)],
    ['pass-through with a heartbeat', heartbeat(layers.passThrough)],
    ['a shared-state cheat with a heartbeat', heartbeat(sharedStateCheat)],
  ];
  for (const [name, layer] of watchedCases) {
    it(`${name}: the twin that stops once decided splits where the whole twin does`, () => {
      const o = resolveCheckOptions(layers.shift, {});
      let folded = 0;
      let compared = 0;
      for (const opcode of ['WRITE', 'SEND', 'FETCH_ADD'] as const) {
        for (const s of fc.sample(opClassArbitrary(opcode, o), { seed: 13, numRuns: 50 }) as Scenario[]) {
          const twin = twinScenario(s);
          if (!twin) continue;
          const run = adapter.runSync!(s, layer);
          const whole = splitDecisions(run, adapter.runSync!(twin, layer), 'A');
          const watched = compareWithTwin(run, twin, 'A') as TwinComparison;
          expect(watched.split).toEqual(whole);
          compared++;
          if (run.trace.some((e) => e.kind === 'TimerFired' && e.repeats)) folded++;
        }
      }
      expect(compared).toBeGreaterThan(20);
      if (name.includes('heartbeat')) expect(folded).toBeGreaterThan(0);
    });
  }
});
