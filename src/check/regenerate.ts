/**
 * fast-check's side of reproducing a counterexample: its seed and path name one case of one
 * generator, so the generator it recorded is rebuilt and walked to that case.
 */
import fc from 'fast-check';
import type { CounterexampleData, GeneratorLimits } from '../core/results';
import type { Scenario } from '../core/scenario';
import { resolveGeneratorLimits, scenarioArbitrary } from './arbitraries';
import { GENERATOR_VERSION } from './options';

/** What regenerating needs from a counterexample. */
export type SeedAndPath = Pick<CounterexampleData, 'seed' | 'path' | 'generator' | 'opcode'>;

/**
 * The generator a counterexample was found with: the one it recorded, or for a file written before
 * counterexamples recorded it, today's defaults restricted to its op class (the best guess there is).
 */
export function generatorOf(cx: SeedAndPath): GeneratorLimits {
  // A mixed column drew from every selected op class; without a recorded generator, guess all.
  return (
    cx.generator ??
    resolveGeneratorLimits(cx.opcode === undefined || cx.opcode === 'mixed' ? {} : { opcodes: [cx.opcode] })
  );
}

/**
 * The arbitrary a counterexample's seed and path belong to:
 * `fc.assert(fc.property(counterexampleArbitrary(cx), check), { seed: cx.seed, path: cx.path })`.
 */
export function counterexampleArbitrary(cx: SeedAndPath): fc.Arbitrary<Scenario> {
  return scenarioArbitrary(generatorOf(cx));
}

/**
 * The scenario at a counterexample's seed and path, regenerated from its recorded generator.
 * Throws (message starting "regenerateScenario:") when the counterexample was found by another
 * generator version (GENERATOR_VERSION; a file that records none is version 1) or when the path
 * leads nowhere in that generator.
 */
export function regenerateScenario(cx: SeedAndPath): Scenario {
  // Another version draws another case at the same seed and path: refuse rather than run it.
  const version = cx.generator?.version ?? 1;
  if (version !== GENERATOR_VERSION) {
    throw new Error(
      `regenerateScenario: the counterexample was found by generator version ${version}, and this rdmacheck draws version ${GENERATOR_VERSION}: its seed and path name another case here; replay the scenario it stores instead (without --regenerate)`,
    );
  }
  const unreachable = (why: string): never => {
    const hint = 'replay the scenario itself instead';
    throw new Error(`regenerateScenario: seed ${cx.seed}, path "${cx.path}" name no generated case (${why}); ${hint}`);
  };
  let details: fc.RunDetails<[Scenario]>;
  try {
    // A property that fails on every value: fast-check walks the path and reports the case it lands on.
    details = fc.check(
      fc.property(counterexampleArbitrary(cx), (_scenario: Scenario) => false),
      {
        seed: cx.seed,
        path: cx.path,
        numRuns: 1,
        endOnFailure: true,
      },
    );
  } catch (e) {
    const message = (e as Error).message;
    return unreachable(/^Unable to replay/.test(message) ? 'fast-check cannot follow that path' : message);
  }
  if (details.counterexample === null) return unreachable('fast-check found no case there');
  return details.counterexample[0];
}
