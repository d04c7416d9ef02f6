/**
 * failure-masking: if some path stays healthy (or heals), every WR the application posted
 * eventually completes with SUCCESS: no error surfaced, no hang. The liveness budget (livenessNs
 * after the last fault or application step, NIC retransmission waits not charged) bounds
 * "eventually", so a hang is a violation with its trace, never a timeout of the test runner.
 */
import { sharedAppRecvs, sharedAppWrs, lacksBuffer, validAddress } from './support/history';
import { describeWr, fmtTime } from './support/describe';
import { runEndClause } from './support/runEnd';
import { pathHealth } from './support/health';
import { defineProperty } from './support/safe';
import { workBudgetViolation } from './support/workBudget';

/** The failure-masking property. */
export const failureMasking = defineProperty(
  'failure-masking',
  'while some path stays healthy or heals, every application WR completes with SUCCESS',
  (run) => {
    const stopped = workBudgetViolation(run);
    if (stopped) return stopped;
    const health = pathHealth(run.scenario, run.config);
    // Does not apply: no path is left to fail over to, or the layer's management network is gone.
    if (health.healthy.length === 0 || health.controlLostForever) return { status: 'holds' };
    const healthy = `path${health.healthy.length > 1 ? 's' : ''} ${health.healthy.join(', ')} stayed healthy or healed`;
    const wrs = sharedAppWrs(run.trace);
    const recvs = sharedAppRecvs(run.trace);
    for (const w of wrs) {
      if (!validAddress(w.wr, run.config.memoryWords) || lacksBuffer(w, wrs, recvs)) continue;
      const d = w.deliveries[0];
      if (d && d.wc.status !== 'SUCCESS') {
        return {
          status: 'violated',
          explanation: `${describeWr(w.host, w.wr)} was completed with ${d.wc.status} at t=${fmtTime(d.t)} although ${healthy}: the layer surfaced the failure instead of masking it.`,
          events: [w.post.i, d.i],
        };
      }
      if (d || w.wr.signaled === false) continue;
      if (run.end.reason === 'event-limit') {
        return {
          status: 'unknown',
          reason: `failure-masking: the run hit the event limit (maxEvents ${run.config.maxEvents}) before ${describeWr(w.host, w.wr)} completed`,
        };
      }
      const end = run.trace[run.trace.length - 1];
      return {
        status: 'violated',
        explanation: `${describeWr(w.host, w.wr)} never completed although ${healthy}; ${runEndClause(run)}.`,
        events: [w.post.i, end.i],
      };
    }
    return { status: 'holds' };
  },
);
