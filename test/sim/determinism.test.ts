/** A run is a pure function of its scenario: same scenario, same trace, byte for byte. */
import fc from 'fast-check';
import { passThrough } from '../../src/layers/passThrough';
import { retryOnBackup, run } from './helpers';
import { scenarioArbitrary } from '../../src/check/arbitraries';
import { layers } from '../../src/layers';

test('1,000 generated scenarios run twice give byte-identical traces', () => {
  const scenarios = fc.sample(scenarioArbitrary(), { seed: 20261124, numRuns: 1000 });
  let events = 0;
  for (const [k, scenario] of scenarios.entries()) {
    const layer = [passThrough, retryOnBackup, layers.shift, layers.completionLog][k % 4];
    const first = JSON.stringify(run(structuredClone(scenario), layer).trace);
    const second = JSON.stringify(run(structuredClone(scenario), layer).trace);
    expect(second).toBe(first);
    events += first.length;
  }
  expect(events).toBeGreaterThan(0);
});

test('the scenario object is not modified by a run (it can be replayed as it is)', () => {
  for (const scenario of fc.sample(scenarioArbitrary(), { seed: 7, numRuns: 100 })) {
    const before = JSON.stringify(scenario);
    run(scenario, retryOnBackup);
    expect(JSON.stringify(scenario)).toBe(before);
  }
});
