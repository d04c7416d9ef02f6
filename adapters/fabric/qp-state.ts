/**
 * What ibv_modify_qp's attributes do to the simulated NIC. The simulator keeps one set of
 * transport parameters for the whole fabric (SimConfig), so the RTR and RTS attributes a program
 * sets apply to every QP: real programs give both ends the same values (ibv_rc_pingpong does).
 */
import { ibTimerNs } from '../../src/core/verbs';
import { cancelTimer, transition } from '../sim/nic';
import type { Qp } from '../sim/qp';
import type { Fabric } from './fabric';
import type { Host, QueuePair } from './host';
import { rnrTimerNs } from './numbers';

/** INIT -> RTR: the responder's RNR timer (advertised in its RNR NAKs) and READ/atomic resources. */
export function applyRtr(fabric: Fabric, minRnrTimer: number, maxDestRdAtomic: number): void {
  const config = fabric.sim.config;
  config.minRnrTimerNs = rnrTimerNs(minRnrTimer);
  config.maxDestRdAtomic = maxDestRdAtomic;
}

/** RTR -> RTS: the requester's timeout exponent, retry_cnt and rnr_retry. */
export function applyRts(fabric: Fabric, qp: Qp, timeout: number, retryCnt: number, rnrRetry: number): void {
  const sim = fabric.sim;
  sim.config.timeout = timeout;
  sim.config.retryCnt = retryCnt;
  sim.config.rnrRetry = rnrRetry;
  // Derived once by the simulator's constructor; the fabric learns them only now.
  const derived = sim as unknown as { timeoutNs: number; retryCycleNs: number };
  derived.timeoutNs = ibTimerNs(timeout);
  derived.retryCycleNs = (retryCnt + 1) * derived.timeoutNs;
  qp.retriesLeft = retryCnt;
  qp.rnrRetriesLeft = rnrRetry;
}

/** Back to RESET (ibv_modify_qp to RESET, ibv_destroy_qp, the process gone): queues discarded. */
export function resetQp(fabric: Fabric, host: Host, qp: QueuePair, reason: string): void {
  const simQp = fabric.sim.qps[host.name][qp.path];
  transition(fabric.sim, simQp, 'RESET', reason);
  cancelTimer(fabric.sim, simQp);
  simQp.sq = [];
  simQp.rq = [];
  simQp.sendIdx = 0;
  simQp.nextPsn = 0;
  simQp.ePsn = 0;
  simQp.nakSent = false;
  simQp.rnrWaiting = false;
  simQp.retryStarted = false;
  simQp.rdAtomicSlots.clear();
  qp.sends.clear();
  qp.recvs.clear();
}
