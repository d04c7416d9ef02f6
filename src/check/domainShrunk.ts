/** The arbitrary wrapper that hands shrinking to rdmacheck's domain shrinker (shrink.ts). */
import fc from 'fast-check';
import type { Scenario, ScenarioSettings } from '../core/scenario';
import { shrinkScenario } from './shrink';

/**
 * Generates with the inner arbitrary, shrinks with the domain shrinker. The values carry no
 * shrink context: every candidate is derived from the Scenario itself, so that a shrunk
 * counterexample can be shrunk further, and fast-check's seed and path still replay it.
 */
export class DomainShrunkScenarios extends fc.Arbitrary<Scenario> {
  constructor(
    private readonly inner: fc.Arbitrary<Scenario>,
    /** Config keys the generator was given: shrinking keeps them (a stack audited at its own settings). */
    private readonly pinned: readonly (keyof ScenarioSettings)[] = [],
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Scenario> {
    return new fc.Value(this.inner.generate(mrng, biasFactor).value, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is Scenario {
    const s = value as Scenario;
    return !!s && typeof s === 'object' && Array.isArray(s.workload) && Array.isArray(s.faults);
  }

  shrink(value: Scenario): fc.Stream<fc.Value<Scenario>> {
    const pinned = this.pinned;
    const keepsPinned = (s: Scenario) => pinned.every((k) => s.config?.[k] === value.config?.[k]);
    return new fc.Stream(shrinkScenario(value)).filter(keepsPinned).map((s) => new fc.Value(s, undefined));
  }
}
