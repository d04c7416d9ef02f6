/**
 * Twin scenarios: the same scenario where every lost request becomes a lost response and vice
 * versa, at the same match (drop-request <-> drop-response, link down a-to-b <-> b-to-a). The
 * sender cannot tell the two apart (the paper's Theorem 1), so a layer whose decisions depend
 * only on its observations decides the same in both for as long as its observations agree.
 */
import type { Execution } from '../../src/core/execution';
import { faultsReached } from '../../src/core/reached';
import type { Fault, Scenario } from '../../src/core/scenario';
import type { TraceEvent } from '../../src/core/trace';
import { isDecision, isObservation } from '../../src/core/trace';
import type { LayerHost } from '../../src/core/verbs';
import { sameAction } from './replay';
import { sameData } from './same';

/** True when the twin changes fault `f` (a lost request or response, a link down one way). */
function swapsInTwin(f: Fault): boolean {
  return f.kind === 'drop-request' || f.kind === 'drop-response' || (f.kind === 'link-down' && f.direction !== 'both');
}

/**
 * True when the twin's run would be `run` itself, event for event: its adapter recorded that the
 * run reached none of the faults the twin changes (src/core/reached). Both runs then agree up to
 * the first packet or anchor such a fault could act on, and there is none in the run. So the
 * twin comparison holds without running the twin (about a third of twins; issue 13).
 */
export function twinRepeatsRun(run: Execution): boolean {
  const reached = faultsReached(run);
  if (!reached) return false;
  return run.scenario.faults.every((f, k) => !swapsInTwin(f) || reached[k] === false);
}

/** The twin of `scenario`, or undefined when no fault hides from the sender what it hides. */
export function twinScenario(scenario: Scenario): Scenario | undefined {
  let swapped = false;
  const faults = scenario.faults.map((f): Fault => {
    if (f.kind === 'drop-request' || f.kind === 'drop-response') {
      swapped = true;
      return { ...f, kind: f.kind === 'drop-request' ? 'drop-response' : 'drop-request' };
    }
    if (f.kind === 'link-down' && f.direction !== 'both') {
      swapped = true;
      return { ...f, direction: f.direction === 'a-to-b' ? 'b-to-a' : 'a-to-b' };
    }
    return f;
  });
  return swapped ? { ...scenario, faults } : undefined;
}

/** Runs the twin with the run's own adapter (synchronously when the adapter can). */
export function runTwin(run: Execution, twin: Scenario): Execution | Promise<Execution> {
  return run.adapter.runSync ? run.adapter.runSync(twin, run.layer) : run.adapter.run(twin, run.layer);
}

/** Where the host's decisions part while its observations still agree. */
export interface TwinSplit {
  /** The event of the original run at the split (or its last common observation). */
  original?: TraceEvent;
  twin?: TraceEvent;
  /** The last observation both runs agree on. */
  lastCommon?: TraceEvent;
}

/** What comparing a run with its twin found: the split (undefined: none), and how the twin ended if it ran to its end. */
export interface TwinComparison {
  split: TwinSplit | undefined;
  /** The twin's Execution, when it ran to its end (a watched twin stops once the comparison is decided). */
  twin?: Execution;
}

/** True when `e` is one of `host`'s observations or decisions: what the comparison walks. */
function ofHost(e: TraceEvent, host: LayerHost): boolean {
  return (isObservation(e) && e.obs === host) || (isDecision(e) && e.host === host);
}

/**
 * The walk of splitDecisions, one twin event at a time, so a twin run can stop as soon as it is
 * decided. `offer` takes the twin's next event of the host; `end` says the twin has no more.
 */
class TwinWalk {
  private k = 0;
  private lastCommon: TraceEvent | undefined;
  decided = false;
  split: TwinSplit | undefined;

  constructor(private readonly xs: readonly TraceEvent[]) {}

  /** Compares the twin's next event with the run's at the same position; true once decided. */
  offer(y: TraceEvent): boolean {
    if (this.decided) return true; // a halted run records the rest of its step: ignored
    const x = this.xs[this.k];
    const xDecides = x !== undefined && isDecision(x);
    const yDecides = isDecision(y);
    if (!xDecides && !yDecides) {
      // Both observations (or the end of the run): differing observations end the comparison.
      if (!x || !sameData(x, y, 'i')) return this.decide(undefined);
      this.lastCommon = x;
    } else if (xDecides && yDecides) {
      if (!sameAction(x, y)) return this.decide({ original: x, twin: y, lastCommon: this.lastCommon });
      // Same action, different answer from the fabric (a post refused, a memory value): that
      // answer is an observation, and it differs, so the host can tell the runs apart.
      if (!sameData(x, y, 'i')) return this.decide(undefined);
    } else {
      return this.decide({ original: x, twin: y, lastCommon: this.lastCommon });
    }
    this.k++;
    return false;
  }

  /** The twin ended: the run's next event, if any, decides. */
  end(): void {
    if (this.decided) return;
    const x = this.xs[this.k];
    if (x !== undefined && isDecision(x)) this.decide({ original: x, twin: undefined, lastCommon: this.lastCommon });
    else this.decide(undefined);
  }

  private decide(split: TwinSplit | undefined): true {
    this.decided = true;
    this.split = split;
    return true;
  }
}

/**
 * Walks `host`'s observations and decisions of both runs side by side. Undefined when they agree
 * until the observations differ (then the host could tell the runs apart) or to the end.
 */
export function splitDecisions(a: Execution, b: Execution, host: LayerHost): TwinSplit | undefined {
  const walk = new TwinWalk(a.trace.filter((e) => ofHost(e, host)));
  for (const y of b.trace) if (ofHost(y, host) && walk.offer(y)) return walk.split;
  walk.end();
  return walk.split;
}

/**
 * Runs the twin and compares it with `run` for `host` (splitDecisions). On an adapter that can
 * watch a run (runSyncWatched), the twin stops as soon as the comparison is decided: on average
 * two thirds of a completion-log twin's events are past that point (issue 13). An event is
 * compared only once two more of the host's events follow it, or the twin has ended: the one
 * event that can still change after it is recorded, a TimerFired whose idle firings fold into it
 * (adapters/sim/idleTimers), is final by then (its re-arm, then anything else the host does).
 */
export function compareWithTwin(
  run: Execution,
  twin: Scenario,
  host: LayerHost,
): TwinComparison | Promise<TwinComparison> {
  const watched = run.adapter.runSyncWatched;
  if (!watched) {
    const other = runTwin(run, twin);
    const compare = (t: Execution): TwinComparison => ({ split: splitDecisions(run, t, host), twin: t });
    return other instanceof Promise ? other.then(compare) : compare(other);
  }
  const walk = new TwinWalk(run.trace.filter((e) => ofHost(e, host)));
  const pending: TraceEvent[] = [];
  let next = 0;
  const whole = watched.call(run.adapter, twin, run.layer, (e) => {
    if (!ofHost(e, host)) return false;
    pending.push(e);
    while (next + 2 < pending.length) if (walk.offer(pending[next++])) return true;
    return false;
  });
  if (!whole) return { split: walk.split }; // halted: the walk was decided
  while (next < pending.length) if (walk.offer(pending[next++])) return { split: walk.split, twin: whole };
  walk.end();
  return { split: walk.split, twin: whole };
}
