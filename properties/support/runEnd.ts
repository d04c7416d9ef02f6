/**
 * Why a run ended with a WR still waiting, in words a layer author can act on: how long the
 * layers were given (the liveness budget, counted from the last fault or application step,
 * NIC retransmission waits not charged: docs/simulator.md, "Run end") and how to give them more.
 */
import type { Execution } from '../../src/core/execution';
import { fmtTime } from './describe';
import { workBudgetClause } from './workBudget';

/** Where the liveness budget is set, for the advice that ends a time-limit explanation. */
export const MORE_TIME =
  'livenessNs in checkLayer or describeFailoverLayer, --liveness on rdmacheck audit or replay (e.g. --liveness 50ms)';

/**
 * The clause that says how the run ended without completing what was waited for: "the run went
 * quiet ...", or "the run ended at its time limit ... give the layer more time with ...".
 */
export function runEndClause(run: Execution): string {
  const at = `t=${fmtTime(run.end.timeNs)}`;
  if (run.end.reason === 'quiescent') return `the run went quiet with nothing left to do (${at}), so the layer lost it`;
  if (run.end.reason === 'event-limit')
    return `the run hit the event limit (maxEvents ${run.config.maxEvents}) at ${at}`;
  if (run.end.reason === 'work-budget') return workBudgetClause(run);
  const spent = run.end.liveness;
  if (spent === undefined) {
    // An adapter that cannot say how the budget was spent (native: real time, its own livenessMs).
    return (
      `the run ended at its time limit (${at}) and nothing completed it. If the layer needs longer, give it more time ` +
      `(the simulator: ${MORE_TIME}; the native adapter: its livenessMs option)`
    );
  }
  const since = `the last fault or application step (t=${fmtTime(spent.sinceNs)})`;
  const nicBusy = spent.nicWaitNs >= spent.nicAllowanceNs;
  const nic =
    spent.nicWaitNs === 0
      ? ''
      : nicBusy
        ? ` (not counting the first ${fmtTime(spent.nicWaitNs)} the NIC spent retrying: (2 x paths + 1) retry cycles, after which its waits count too)`
        : ` (not counting ${fmtTime(spent.nicWaitNs)} of NIC retransmission and RNR waits)`;
  return (
    `the layers had their whole liveness budget, ${fmtTime(spent.budgetNs)} after ${since}${nic}, and nothing completed it: ` +
    `the run ended at its time limit (${at}). If the layer needs longer (its own timers, re-sends, a give-up deadline), ` +
    `give it more time: ${MORE_TIME}`
  );
}
