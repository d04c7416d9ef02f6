import fc from 'fast-check';
import { sim } from '../../adapters/sim';
import { properties } from '../../properties';
import { checkLayer } from '../../src/check/checkLayer';
import { resolveGeneratorLimits } from '../../src/check/arbitraries';
import { CHECK_DEFAULTS, GENERATOR_VERSION } from '../../src/check/options';
import { counterexampleArbitrary, generatorOf, regenerateScenario } from '../../src/check/regenerate';
import { replay } from '../../src/check/replay';
import type { Verdict } from '../../src/core/property';
import type { Counterexample } from '../../src/core/results';
import type { Scenario } from '../../src/core/scenario';
import { parseTrace } from '../../src/report/load';
import { resendOnError } from '../properties/canaries';

/** Limits unlike every default, so that a case found under them is named only by them. */
const limits = { maxOps: 6, maxFaults: 1, maxPaths: 3, maxEvents: 5_000, livenessNs: 7_000_000 };

/** The scenario seed + path name under `generator`, or undefined when they name none there. */
function tryRegenerate(cx: Counterexample, generator: Counterexample['generator']): Scenario | undefined {
  try {
    return regenerateScenario({ ...cx, generator });
  } catch {
    return undefined;
  }
}

describe('a counterexample records the generator it was found with, so seed + path reproduce it', () => {
  let cx: Counterexample;
  beforeAll(async () => {
    const report = await checkLayer(resendOnError, {
      numRuns: 100,
      opcodes: ['FETCH_ADD'],
      properties: [properties.atMostOnce],
      seed: 5,
      ...limits,
    });
    cx = report.results.find((r) => r.opcode === 'FETCH_ADD')!.counterexample!;
  });

  test('the limits differ from the defaults (else this file proves nothing)', () => {
    for (const [key, value] of Object.entries(limits))
      expect(CHECK_DEFAULTS[key as keyof typeof limits]).not.toBe(value);
  });

  test('it records every parameter of the scenario generator, and its version', () => {
    expect(cx.generator).toEqual({ version: GENERATOR_VERSION, opcodes: ['FETCH_ADD'], ...limits, swarm: true });
    expect(Object.keys(cx.generator!).sort()).toEqual(Object.keys(resolveGeneratorLimits({ swarm: true })).sort());
  });

  test('seed + path + the recorded limits regenerate its scenario exactly', () => {
    expect(regenerateScenario(cx)).toEqual(cx.scenario);
  });

  test('so do the seed, path and limits read back from its trace file', () => {
    const loaded = parseTrace(cx.toYAML());
    expect(loaded.generator).toEqual(cx.generator);
    expect(regenerateScenario(loaded)).toEqual(cx.scenario);
  });

  test('under the default limits the same seed and path do not name it: the record is what reproduces it', () => {
    expect(tryRegenerate(cx, resolveGeneratorLimits({ opcodes: ['FETCH_ADD'] }))).not.toEqual(cx.scenario);
  });

  test("fast-check's own replay (seed, path, counterexampleArbitrary) fails on exactly that scenario", () => {
    const details = fc.check(
      fc.property(
        counterexampleArbitrary(cx),
        (s) => (properties.atMostOnce.check(sim().runSync!(s, resendOnError)) as Verdict).status !== 'violated',
      ),
      { seed: cx.seed, path: cx.path, numRuns: 1, endOnFailure: true },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexample![0]).toEqual(cx.scenario);
  });

  test('replay { regenerate } runs the regenerated scenario and says it is the stored one', async () => {
    const result = await replay(cx.toYAML(), { layer: resendOnError, regenerate: true });
    expect(result.regenerated).toEqual({ identical: true });
    expect(result.outcome).toBe('still-fails');
    expect(result.summary).toMatch(
      /^scenario regenerated from seed 5, path "[\d:]+": identical to the stored one\nstill fails: /,
    );
  });

  test('replay { regenerate } says so when the stored scenario is not the one seed + path name', async () => {
    const edited = { ...cx, scenario: { ...cx.scenario, faults: [] } };
    const result = await replay(edited, { layer: resendOnError, regenerate: true });
    expect(result.regenerated).toEqual({ identical: false });
    expect(result.summary).toContain('DIFFERS from the stored one');
  });

  test('a file written before the record existed falls back to the defaults, restricted to its op class', () => {
    const { generator: _recorded, ...legacy } = cx;
    expect(generatorOf(legacy)).toEqual(resolveGeneratorLimits({ opcodes: ['FETCH_ADD'] }));
  });

  test.each([
    ['another version', { version: GENERATOR_VERSION + 1 }, GENERATOR_VERSION + 1],
    ['no version (files before versions were recorded: 1)', { version: undefined }, 1],
  ])('a counterexample of %s is refused in one line: which versions, and what to do', (_what, change, version) => {
    const other = { ...cx, generator: { ...cx.generator!, ...change } };
    let message = '';
    try {
      regenerateScenario(other);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      `regenerateScenario: the counterexample was found by generator version ${version}, and this rdmacheck draws version ${GENERATOR_VERSION}: its seed and path name another case here; replay the scenario it stores instead (without --regenerate)`,
    );
  });

  test('replay { regenerate } of another version refuses too, speaking as replay; the stored scenario still replays', async () => {
    const old = { ...cx, generator: { ...cx.generator!, version: 1 } };
    await expect(replay(old, { layer: resendOnError, regenerate: true })).rejects.toThrow(
      /^replay: the counterexample was found by generator version 1, and this rdmacheck draws version \d+: .*replay the scenario it stores instead/,
    );
    expect((await replay(old, { layer: resendOnError })).outcome).toBe('still-fails');
  });

  test('a path that leads nowhere is one clear error', () => {
    expect(() => regenerateScenario({ ...cx, path: '0:99999' })).toThrow(
      /^regenerateScenario: seed 5, path "0:99999" name no generated case/,
    );
  });
});
