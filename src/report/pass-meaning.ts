/**
 * What a "holds" cell means, said where the verdict is shown: a sample of generated runs found no
 * violation. It is evidence, not a proof; the reader is told how much was sampled and how to
 * sample more. (Per-situation coverage counts are a later addition: see DESIGN.md, "Say what a
 * pass means".)
 */
import { FAULT_KINDS } from '../core/scenario';
import type { GeneratorLimits } from '../core/results';
import { wrap } from './text';

/** What was sampled: runs per op class, the seed, and the generator's limits. */
export interface SampleFacts {
  runsPerOpClass: number;
  seed: number;
  generator: Pick<GeneratorLimits, 'maxOps' | 'maxFaults' | 'maxPaths'>;
  /** The fault kinds the generator draws (default every kind; the checker's DRAWN_FAULT_KINDS; [] none). */
  faultKinds?: readonly string[];
}

/** The seed to suggest next: a different one, so the next audit samples other scenarios. */
function nextSeed(seed: number): number {
  return seed === 2147483647 ? 1 : seed + 1;
}

/**
 * A short paragraph (lines of at most 100 characters) saying what `holds (N)` means and what to
 * run next. Deterministic: it depends only on the facts given.
 */
export function passMeaning(facts: SampleFacts, command = 'rdmacheck audit LAYER'): string[] {
  const { runsPerOpClass: runs, seed, generator: g } = facts;
  const kinds = facts.faultKinds ?? FAULT_KINDS;
  const faults = kinds.length === 0 ? 'no faults' : `up to ${g.maxFaults} faults (${kinds.join(', ')})`;
  const paragraph =
    `What "holds (${runs})" means: no violation in ${runs} generated runs per op class (seed ${seed}); ` +
    `each run has up to ${g.maxOps} application WRs of that op class, ${faults} ` +
    `and up to ${g.maxPaths} paths, and every property judges every run ` +
    '(the coverage table counts the failure situations the runs reached). ' +
    'It is a sample, not a proof: a rarer interleaving can need more runs. Next step: more runs, then other seeds:';
  return [
    ...wrap(paragraph, 100),
    `  ${command} --runs ${runs * 10}`,
    `  ${command} --runs ${runs * 10} --seed ${nextSeed(seed)}`,
  ];
}
