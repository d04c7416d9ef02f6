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

/**
 * Walks `host`'s observations and decisions of both runs side by side. Undefined when they agree
 * until the observations differ (then the host could tell the runs apart) or to the end.
 */
export function splitDecisions(a: Execution, b: Execution, host: LayerHost): TwinSplit | undefined {
  const mine = (e: TraceEvent) => (isObservation(e) && e.obs === host) || (isDecision(e) && e.host === host);
  const xs = a.trace.filter(mine);
  const ys = b.trace.filter(mine);
  let lastCommon: TraceEvent | undefined;
  for (let k = 0; k < Math.max(xs.length, ys.length); k++) {
    const x = xs[k];
    const y = ys[k];
    const xDecides = x !== undefined && isDecision(x);
    const yDecides = y !== undefined && isDecision(y);
    if (!xDecides && !yDecides) {
      // Both observations (or the end of one run): differing observations end the comparison.
      if (!x || !y || !sameData(x, y, 'i')) return undefined;
      lastCommon = x;
      continue;
    }
    if (xDecides && yDecides) {
      if (!sameAction(x, y)) return { original: x, twin: y, lastCommon };
      // Same action, different answer from the fabric (a post refused, a memory value): that
      // answer is an observation, and it differs, so the host can tell the runs apart.
      if (!sameData(x, y, 'i')) return undefined;
      continue;
    }
    return { original: x, twin: y, lastCommon };
  }
  return undefined;
}
