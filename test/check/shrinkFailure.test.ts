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
import { sim } from '../../adapters/sim';
import * as executeModule from '../../src/check/execute';
import type { Adapter } from '../../src/core/execution';
import type { Report } from '../../src/core/results';

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

describe('the same shrink on an asynchronous adapter, under a time limit, and when the failure does not come back', () => {
  const inner = sim();
  /** The simulator behind a promise, as the native adapter answers (no runSync). */
  const asyncSim: Adapter = {
    name: 'sim-async',
    capabilities: inner.capabilities,
    run: (scenario, layer) => Promise.resolve().then(() => inner.runSync!(scenario, layer)),
  };
  const cellOf = (report: Report, opcode: Opcode) => report.results.find((r) => r.opcode === opcode)!;

  test.each(cells)(
    "%s: an asynchronous adapter shrinks to the synchronous one's case and path",
    async (_name, layer, opcode, property) => {
      for (const seed of [1, 2]) {
        const options = { opcodes: [opcode], properties: [property], numRuns: 500, seed };
        const viaSync = cellOf(await checkLayer(layer, options), opcode).counterexample!;
        const viaAsync = cellOf(await checkLayer(layer, { ...options, adapter: asyncSim }), opcode).counterexample!;
        expect(viaAsync.path).toBe(viaSync.path);
        expect(viaAsync.scenario).toEqual(viaSync.scenario);
      }
    },
  );

  it('a shrink cut by its time limit reports the last failing case: a prefix of the full path, which regenerates it', async () => {
    const [, layer, opcode, property] = cells[0];
    const options = { opcodes: [opcode], properties: [property], numRuns: 500, seed: 1 };
    const full = cellOf(await checkLayer(layer, options), opcode);
    const steps = full.counterexample!.path.split(':');
    expect(steps.length).toBeGreaterThan(3);
    // A clock that advances 1 ms per reading: the shrink is cut after the same candidates every time.
    let clock = 0;
    const spy = jest.spyOn(executeModule, 'nowMs').mockImplementation(() => clock++);
    try {
      const cut = cellOf(await checkLayer(layer, { ...options, shrinkTimeLimitMs: 3 }), opcode);
      const cx = cut.counterexample!;
      expect(cut.reason).toMatch(/shrinking stopped at the shrink time limit \(3 ms\)/);
      const taken = cx.path.split(':');
      expect(taken.length).toBeLessThan(steps.length);
      expect(taken).toEqual(steps.slice(0, taken.length));
      expect(regenerateScenario(cx)).toEqual(cx.scenario);
    } finally {
      spy.mockRestore();
    }
  });

  it('a failure that does not come back when run again is reported unshrunk, at the path of the run that found it', async () => {
    const [, layer, opcode] = cells[0];
    let calls = 0;
    // Violated on its third judgement only: the search's run 2 fails, the re-run before shrinking holds.
    const once: Property = {
      name: 'fails-once',
      check: () =>
        ++calls === 3 ? { status: 'violated', explanation: 'the third judgement', events: [] } : { status: 'holds' },
    };
    const cell = cellOf(
      await checkLayer(layer, { opcodes: [opcode], properties: [once], numRuns: 20, seed: 1 }),
      opcode,
    );
    expect(cell.status).toBe('violated');
    expect(cell.reason).toMatch(/did not reproduce when run again .* reported unshrunk/);
    expect(cell.counterexample!.path).toBe('2');
    expect(regenerateScenario(cell.counterexample!)).toEqual(cell.counterexample!.scenario);
  });
});
