/**
 * checkLayer shrinks a failure with its own loop (src/check/shrinkFailure.ts), not inside
 * fast-check: the shrunk scenario and the path it reports must be exactly the ones fast-check's
 * shrinker gives from the same seed and run, so that seed and path keep naming the reported case.
 */
import fc from 'fast-check';
import { properties } from '../../properties';
import { checkLayer } from '../../src/check/checkLayer';
import { regenerateScenario } from '../../src/check/regenerate';
import { scenarioArbitrary } from '../../src/check/arbitraries';
import { runScenarioSync } from '../../src/check/run';
import type { Property } from '../../src/core/property';
import type { FailoverLayer } from '../../src/core/layer';
import type { Opcode } from '../../src/core/verbs';
import type { Counterexample } from '../../src/core/results';
import type { Scenario } from '../../src/core/scenario';
import { layers } from '../../src/layers';

const cells: [string, FailoverLayer, Opcode, Property][] = [
  ['fail-stop, WRITE, failure-masking', layers.failStop, 'WRITE', properties.failureMasking],
  ['resend-all, FETCH_ADD, at-most-once', layers.resendAll, 'FETCH_ADD', properties.atMostOnce],
  ['shift, WRITE, linearizability', layers.shift, 'WRITE', properties.linearizability],
];
const seeds = [1, 2, 3, 4, 5, 6];

/** What fast-check's own shrinker gives from run `runIndex` of `seed`: the case and its path. */
async function fastCheckShrink(
  cx: Counterexample,
  layer: FailoverLayer,
  property: Property,
): Promise<{ scenario: Scenario; path: string }> {
  const passes = async (s: Scenario) => {
    try {
      return (await property.check(runScenarioSync(s, layer))).status !== 'violated';
    } catch {
      return true;
    }
  };
  const details = await fc.check(fc.asyncProperty(scenarioArbitrary(cx.generator), passes), {
    seed: cx.seed,
    path: cx.path.split(':')[0],
    numRuns: 1,
  });
  return { scenario: details.counterexample![0], path: details.counterexamplePath! };
}

describe.each(cells)('%s: the shrunk case is the one fast-check shrinks to', (_name, layer, opcode, property) => {
  test.each(seeds)('seed %i: same scenario, same path, and seed + path regenerate it', async (seed) => {
    const report = await checkLayer(layer, { opcodes: [opcode], properties: [property], numRuns: 500, seed });
    const cx = report.results.find((r) => r.opcode === opcode)!.counterexample!;
    const reference = await fastCheckShrink(cx, layer, property);
    expect(cx.path).toBe(reference.path);
    expect(cx.scenario).toEqual(reference.scenario);
    expect(regenerateScenario(cx)).toEqual(cx.scenario);
  });
});
