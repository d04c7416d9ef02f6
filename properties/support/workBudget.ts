/**
 * The finding when a run ended at the layers' work budget (config maxLayerSteps): the layer
 * looped or worked without bound inside its callbacks, so the simulator stopped it. No WR can be
 * relied on to complete after that, whatever the faults: failure-masking reports it, naming the
 * limit and the callback it was in.
 */
import type { Execution } from '../../src/core/execution';
import type { TraceEvent } from '../../src/core/trace';
import type { Verdict } from '../../src/core/property';
import { fmtTime } from './describe';
import { STOPPED_PREFIX } from '../../src/core/stopped';

type LayerFault = Extract<TraceEvent, { kind: 'LayerFault' }>;

/** The LayerFault that records the exhausted budget (the last LayerFault of a 'work-budget' run). */
export function budgetFault(run: Execution): LayerFault | undefined {
  if (run.end.reason !== 'work-budget') return undefined;
  for (let k = run.trace.length - 1; k >= 0; k--) {
    const e = run.trace[k];
    if (e.kind === 'LayerFault') return e;
  }
  return undefined;
}

/** The clause that says how a 'work-budget' run ended. */
export function workBudgetClause(run: Execution): string {
  const f = budgetFault(run);
  // Stopped by its worker's heap limit or watchdog (a module-path layer), not by maxLayerSteps.
  if (f?.reason.startsWith(STOPPED_PREFIX)) return `the layer ${f.reason}`;
  const where = f ? ` in ${f.during} of host ${f.host} at t=${fmtTime(f.t)}` : '';
  return `the layer exceeded its work budget (maxLayerSteps ${run.config.maxLayerSteps} steps: callbacks and env calls)${where} and was stopped`;
}

/** The violation of a run stopped at the work budget, or undefined for any other run. */
export function workBudgetViolation(run: Execution): Verdict | undefined {
  const f = budgetFault(run);
  if (run.end.reason !== 'work-budget') return undefined;
  return {
    status: 'violated',
    explanation: `${workBudgetClause(run)}: a layer that loops or works without bound in a callback masks no failure; ${
      f?.reason.startsWith(STOPPED_PREFIX)
        ? 'fix the loop or the allocation, or raise the limit if the scenario really needs more'
        : 'fix the loop, or raise maxLayerSteps if the scenario really needs more work'
    }.`,
    events: f ? [f.i] : [run.trace.length - 1],
  };
}
