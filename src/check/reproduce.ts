/**
 * Replay before report: every counterexample is re-run before it is reported. A deterministic
 * adapter must give the same trace, byte for byte; when it does not, the layer's behaviour
 * depends on something outside its observations (state kept across runs or shared between
 * instances, a clock, a random number), which is a sender-view-determinism violation in itself.
 * In-process the scenario is re-run twice (state kept across runs shows on the second run at the
 * latest when it changes what the layer does); a layer from a module path is also re-run in a
 * fresh worker by the CLI (src/cli/fresh-replay.ts), where module-level state starts empty.
 */
import type { Adapter, Execution } from '../core/execution';
import type { Scenario } from '../core/scenario';
import type { FailoverLayer } from '../core/layer';
import type { Verdict } from '../core/property';
import type { Trace, TraceEvent } from '../core/trace';
import { execute } from './execute';
import { firstDivergence } from './replay';

/** Name of the property a diverging replay is reported under. */
export const DETERMINISM_PROPERTY = 'sender-view-determinism';

/** How many times a counterexample is re-run in the same process before it is reported. */
export const IN_PROCESS_REPLAYS = 2;

/** A re-run that differed from the reported run. */
export interface ReplayMismatch {
  /** Which re-run differed ("rerun 1 in this process", "a fresh worker"). */
  where: string;
  index: number;
  reported?: TraceEvent;
  replayed?: TraceEvent;
}

/** Re-runs `scenario` IN_PROCESS_REPLAYS times; the first re-run whose trace differs from `trace`, or undefined. */
export async function replayTwice(
  adapter: Adapter,
  layer: FailoverLayer,
  scenario: Scenario,
  trace: Trace,
): Promise<ReplayMismatch | undefined> {
  if (!adapter.capabilities.deterministic) return undefined;
  for (let k = 1; k <= IN_PROCESS_REPLAYS; k++) {
    let again: Execution;
    try {
      again = await execute(adapter, scenario, layer);
    } catch {
      return undefined; // the adapter could not run it again: nothing to compare
    }
    const m = compareTraces(trace, again.trace, `re-run ${k} in the same process`);
    if (m) return m;
  }
  return undefined;
}

/** The first difference between the reported trace and a re-run's, or undefined when equal. */
export function compareTraces(reported: Trace, replayed: Trace, where: string): ReplayMismatch | undefined {
  const d = firstDivergence(reported, replayed);
  if (!d) return undefined;
  return {
    where,
    index: d.index,
    ...(d.expected ? { reported: d.expected } : {}),
    ...(d.actual ? { replayed: d.actual } : {}),
  };
}

/** The sender-view-determinism verdict of a counterexample of `property` whose replay diverged. */
export function divergenceVerdict(property: string, m: ReplayMismatch): Extract<Verdict, { status: 'violated' }> {
  return {
    status: 'violated',
    explanation:
      `the ${property} counterexample was replayed before it was reported and ran differently (${m.where}): ` +
      `at event ${m.index} the reported run had ${eventText(m.reported)} and the replay ${eventText(m.replayed)}. ` +
      'The same scenario must give the same run, so the layer depends on hidden state or nondeterminism ' +
      '(state kept across runs or shared between instances, e.g. at module level; a clock; a random number), not only on its observations.',
    events: [m.index],
  };
}

/** One event in a line: its kind, time, host and fields. */
function eventText(e: TraceEvent | undefined): string {
  if (!e) return 'nothing (its trace ended)';
  const { i: _i, t, kind, ...rest } = e as TraceEvent & Record<string, unknown>;
  return `${kind} at t=${t}ns ${JSON.stringify(rest)}`;
}
