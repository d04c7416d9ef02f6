/**
 * The CLI's view of the seed paper's theorems: the checker's witnesses (src/check/theorems.ts)
 * run against the layers that show each side of the impossibility, with a counterexample of each
 * violating run for rendering.
 */
import { casDoubleSuccess, faddDoubleCount, queueSliding, theorem1TwinPair, theorem3Aba } from '../check/theorems';
import type { TheoremRun, TheoremWitness } from '../check/theorems';
import type { FailoverLayer } from '../core/layer';
import { findReferenceLayer } from '../check/replay';
import type { CounterexampleData } from '../core/results';

/** One witness run with the counterexample of its first violated property (if any). */
export interface WitnessRun {
  run: TheoremRun;
  counterexample?: CounterexampleData;
}

/** A theorem's witness for one layer, with its runs ready to render. */
export interface TheoremReport {
  witness: TheoremWitness;
  runs: WitnessRun[];
}

/** Which witness against which reference layer: each pairing shows one side of a theorem. */
const DEFAULT_PLAN: { layer: string; witness: (layer: FailoverLayer) => Promise<TheoremWitness> }[] = [
  { layer: 'resend-all', witness: theorem1TwinPair }, // retries: T2 breaks safety
  { layer: 'fail-stop', witness: theorem1TwinPair }, // does not retry: T1 breaks liveness
  { layer: 'resend-all', witness: faddDoubleCount },
  { layer: 'resend-all', witness: queueSliding },
  { layer: 'resend-all', witness: casDoubleSuccess },
  { layer: 'read-verify', witness: theorem3Aba },
];

/** Runs every witness: against the default reference layers, or all of them against `layer`. */
export async function reproduceTheorems(options: { layer?: FailoverLayer } = {}): Promise<TheoremReport[]> {
  const reports: TheoremReport[] = [];
  const plan =
    options.layer === undefined
      ? DEFAULT_PLAN.map((p) => ({ layer: findReferenceLayer(p.layer), witness: p.witness, name: p.layer }))
      : [theorem1TwinPair, faddDoubleCount, queueSliding, casDoubleSuccess, theorem3Aba].map((witness) => ({
          layer: options.layer,
          witness,
          name: options.layer?.name ?? '',
        }));
  for (const step of plan) {
    if (step.layer === undefined) throw new Error(`rdmacheck theorems: reference layer ${step.name} is missing`);
    const witness = await step.witness(step.layer);
    reports.push({ witness, runs: witness.runs.map((run) => ({ run, ...counterexampleOf(run, witness) })) });
  }
  return reports;
}

/** The counterexample of a run's first violated property, for rendering (none when all hold). */
function counterexampleOf(run: TheoremRun, witness: TheoremWitness): { counterexample?: CounterexampleData } {
  const violated = Object.entries(run.verdicts).find(([, v]) => v.status === 'violated');
  if (violated === undefined) return {};
  const [property, verdict] = violated;
  if (verdict.status !== 'violated') return {};
  return {
    counterexample: {
      property,
      explanation: verdict.explanation,
      events: verdict.events,
      layer: witness.layer,
      adapter: run.execution.adapter.name,
      seed: 0,
      path: `${witness.id}: ${run.name}`,
      scenario: run.scenario,
      trace: run.execution.trace,
      verdict,
      config: run.execution.config,
    },
  };
}
