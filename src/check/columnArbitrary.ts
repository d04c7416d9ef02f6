/**
 * The arbitraries an audit column draws from. A generator's scenario arbitrary is built once:
 * building one (fast-check combinators for every draw) costs 50-80 us, about a scenario's draw,
 * and every checkLayer call built it twice per column (search, then shrink); a shallow bug is
 * found in a few runs, so that was a tenth of the time to its first failure (issue 13). An
 * arbitrary keeps no state between draws (fast-check replays a path by drawing only the case it
 * names), so sharing one changes no draw. */
import fc from 'fast-check';
import type { GeneratorLimits } from '../core/results';
import type { Scenario } from '../core/scenario';
import { scenarioArbitrary } from './arbitraries';

/** How many generators' arbitraries are kept (a CLI audit has one per column). */
const KEPT = 16;

/** By the generator's JSON, which is what a counterexample records to regenerate its case. */
const built = new Map<string, fc.Arbitrary<Scenario>>();

/** scenarioArbitrary(generator), shared by every caller with the same generator. */
export function columnArbitrary(generator: GeneratorLimits): fc.Arbitrary<Scenario> {
  const key = JSON.stringify(generator);
  let arbitrary = built.get(key);
  if (arbitrary === undefined) {
    arbitrary = scenarioArbitrary(generator);
    if (built.size >= KEPT) built.delete(built.keys().next().value!);
    built.set(key, arbitrary);
  }
  return arbitrary;
}

/**
 * `arbitrary` until `decided()` is true, then a placeholder that costs nothing to draw: fast-check
 * draws the next case before it sees that the previous run interrupted the search, and that
 * wasted draw (50-150 us) was part of every audit's time after its last verdict. The placeholder
 * is never run: the search has ended by the time it is drawn.
 */
export function untilDecided(arbitrary: fc.Arbitrary<Scenario>, decided: () => boolean): fc.Arbitrary<Scenario> {
  return new UntilDecided(arbitrary, decided);
}

const NEVER_RUN: Scenario = { workload: [], faults: [] };

class UntilDecided extends fc.Arbitrary<Scenario> {
  constructor(
    private readonly inner: fc.Arbitrary<Scenario>,
    private readonly decided: () => boolean,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Scenario> {
    return this.decided() ? new fc.Value(NEVER_RUN, undefined) : this.inner.generate(mrng, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is Scenario {
    return this.inner.canShrinkWithoutContext(value);
  }

  shrink(value: Scenario, context: unknown): fc.Stream<fc.Value<Scenario>> {
    return this.inner.shrink(value, context);
  }
}
