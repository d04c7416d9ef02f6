/**
 * What ibv_modify_qp's attributes do to the simulated NIC. The simulator keeps one set of
 * transport parameters for the whole fabric (SimConfig), so the RTR and RTS attributes a program
 * sets apply to every QP: real programs give both ends the same values (ibv_rc_pingpong does).
 */
import { cancelTimer, transition } from '../sim/nic';
import { nicBehaviour } from '../sim/profile';
import type { Qp } from '../sim/qp';
import type { Fabric } from './fabric';
import type { Host, QueuePair } from './host';
import { rnrTimerNs } from './numbers';

/** INIT -> RTR: the responder's RNR timer (advertised in its RNR NAKs) and READ/atomic resources. */
export function applyRtr(fabric: Fabric, minRnrTimer: number, maxDestRdAtomic: number): void {
  const config = fabric.sim.config;
  config.minRnrTimerNs = rnrTimerNs(minRnrTimer);
  config.maxDestRdAtomic = maxDestRdAtomic;
  rederive(fabric);
}

/** RTR -> RTS: the requester's timeout exponent, retry_cnt and rnr_retry. */
export function applyRts(
  fabric: Fabric,
  qp: Qp,
  attrs: { timeout: number; retryCnt: number; rnrRetry: number; maxRdAtomic: number },
): void {
  const config = fabric.sim.config;
  config.timeout = attrs.timeout;
  config.retryCnt = attrs.retryCnt;
  config.rnrRetry = attrs.rnrRetry;
  config.maxRdAtomic = attrs.maxRdAtomic;
  rederive(fabric);
  qp.retriesLeft = attrs.retryCnt;
  qp.rnrRetriesLeft = attrs.rnrRetry;
}

/**
 * The simulator derives its NIC behaviour (config.nic's profile) and timers from the config once,
 * in its constructor; the fabric learns the attributes only when a program sets them.
 */
function rederive(fabric: Fabric): void {
  const sim = fabric.sim as unknown as {
    config: Fabric['sim']['config'];
    nic: Fabric['sim']['nic'];
    timeoutNs: number;
    retryCycleNs: number;
  };
  sim.nic = nicBehaviour(sim.config);
  sim.timeoutNs = sim.nic.retransmitTimerNs;
  sim.retryCycleNs = (sim.config.retryCnt + 1) * sim.timeoutNs;
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
