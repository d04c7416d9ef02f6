/**
 * fast-check's side of reproducing a counterexample: its seed and path name one case of one
 * generator, so the generator it recorded is rebuilt and walked to that case.
 */
import fc from 'fast-check';
import type { CounterexampleData, GeneratorLimits } from '../core/results';
import type { Scenario } from '../core/scenario';
import { resolveGeneratorLimits, scenarioArbitrary } from './arbitraries';

/** What regenerating needs from a counterexample. */
export type SeedAndPath = Pick<CounterexampleData, 'seed' | 'path' | 'generator' | 'opcode'>;

/**
 * The generator a counterexample was found with: the one it recorded, or for a file written before
 * counterexamples recorded it, today's defaults restricted to its op class (the best guess there is).
 */
export function generatorOf(cx: SeedAndPath): GeneratorLimits {
  return cx.generator ?? resolveGeneratorLimits(cx.opcode === undefined ? {} : { opcodes: [cx.opcode] });
}

/**
 * The arbitrary a counterexample's seed and path belong to:
 * `fc.assert(fc.property(counterexampleArbitrary(cx), check), { seed: cx.seed, path: cx.path })`.
 */
export function counterexampleArbitrary(cx: SeedAndPath): fc.Arbitrary<Scenario> {
  return scenarioArbitrary(generatorOf(cx));
}

/** The scenario at a counterexample's seed and path, regenerated from its recorded generator. */
export function regenerateScenario(cx: SeedAndPath): Scenario {
  // A property that fails on every value: fast-check walks the path and reports the case it lands on.
  const details = fc.check(fc.property(counterexampleArbitrary(cx), (_scenario: Scenario) => false), {
    seed: cx.seed, path: cx.path, numRuns: 1, endOnFailure: true,
  });
  if (details.counterexample === null) {
    throw new Error(`regenerateScenario: seed ${cx.seed} and path "${cx.path}" name no generated case; is the path from a fast-check run of this generator?`);
  }
  return details.counterexample[0];
}
