/**
 * What a simulated NIC does on its own to its QPs: the QP state machine (legal transitions,
 * failing to ERR with its flushes, a layer's reset or move to ERR) and the requester's transmission (the
 * send queue pump, go-back-N retransmission, the retransmission timer). What it does when a
 * packet arrives is in ./transport.
 */
import type { QpState, WcStatus, WorkCompletion } from '../../src/core/verbs';
import { LEGAL_QP_TRANSITIONS, returnsValue } from '../../src/core/verbs';
import { sendPacket } from './links';
import { psnDiff } from './psn';
import type { Packet, Qp } from './qp';
import type { Simulator } from './simulator';

/** Moves a QP to `to` if the transition is legal (verbs.c qp_state_table); false otherwise. */
export function transition(sim: Simulator, qp: Qp, to: QpState, reason: string): boolean {
  if (!LEGAL_QP_TRANSITIONS[qp.state].includes(to)) return false;
  const from = qp.state;
  qp.state = to;
  if (from !== to) sim.record({ kind: 'QpState', host: qp.host, path: qp.path, from, to, reason });
  return true;
}

/**
 * Puts a QP in ERR: the WQE that failed (if any) completes with `status`, every other outstanding
 * send WQE and every posted RECV with WR_FLUSH_ERR, each queue in order. The send queue flushes
 * before the receive queue, or (profile rxe) the two interleave: see flushOrder.
 */
export function fail(sim: Simulator, qp: Qp, status: WcStatus | undefined, reason: string, failingPsn?: number): void {
  if (qp.state === 'ERR' || qp.state === 'RESET') return;
  transition(sim, qp, 'ERR', reason);
  stopTimers(sim, qp);
  // Without an explicit failing WQE, the error belongs to the oldest outstanding one.
  const errPsn = failingPsn ?? qp.sq[0]?.psn;
  const sends: WorkCompletion[] = qp.sq.map((wqe) => ({
    wrId: wqe.wr.id,
    status: status && wqe.psn === errPsn ? status : 'WR_FLUSH_ERR',
    opcode: wqe.wr.opcode,
  }));
  const recvs: WorkCompletion[] = qp.rq.map((r) => ({ wrId: r.id, status: 'WR_FLUSH_ERR', opcode: 'RECV' }));
  qp.sq = [];
  qp.sendIdx = 0;
  qp.rq = [];
  for (const wc of flushOrder(sends, recvs, sim.nic.interleavedFlush)) sim.complete(qp.host, qp.path, wc);
}

/**
 * The order of a failed QP's completions. The send queue's, up to its real error, come first
 * (rxe_comp.c: the completer completes the failing WQE before rxe_qp_error). Then either the rest
 * of the send queue and the receive queue after it, or, when `interleaved` (rxe: the recv and
 * send tasks flush concurrently), one of each in turn, the receive queue first as rxe_qp_error
 * schedules its task first: a deterministic choice among the orders rxe can produce.
 */
export function flushOrder(sends: WorkCompletion[], recvs: WorkCompletion[], interleaved: boolean): WorkCompletion[] {
  if (!interleaved) return [...sends, ...recvs];
  const errors = sends.findIndex((wc) => wc.status !== 'WR_FLUSH_ERR') + 1;
  const order = sends.slice(0, errors);
  const restOfSends = sends.slice(errors);
  for (let k = 0; k < Math.max(recvs.length, restOfSends.length); k++) {
    if (k < recvs.length) order.push(recvs[k]);
    if (k < restOfSends.length) order.push(restOfSends[k]);
  }
  return order;
}

/**
 * A layer's env.moveToError (ibv_modify_qp to ERR): every outstanding WQE completes with
 * WR_FLUSH_ERR. The peer is not told (RC has no disconnect message): its requests to this QP
 * are dropped and end in RETRY_EXC_ERR.
 */
export function moveToError(sim: Simulator, qp: Qp): void {
  fail(sim, qp, undefined, 'moved to ERR by the layer');
}

/**
 * A layer's env.reset: this end only goes RESET -> INIT -> RTR -> RTS (rxe_qp.c rxe_qp_reset,
 * rxe_qp_from_attr). Its outstanding send and receive WQEs are discarded without completions;
 * its responder state starts afresh, expecting `rqPsn` (set only on INIT -> RTR) with an empty
 * atomic cache; its requests start at `sqPsn`. The peer's QP keeps expecting its old PSN: the
 * connection works again only once the peer's layer resets its end with the mirror image.
 * Packets still on the wire from before are judged by their PSNs alone, like any other.
 */
export function reconnect(sim: Simulator, qp: Qp, sqPsn: number, rqPsn: number): void {
  transition(sim, qp, 'RESET', 'reset by the layer');
  stopTimers(sim, qp);
  qp.sq = [];
  qp.rq = [];
  qp.sendIdx = 0;
  qp.nextPsn = sqPsn;
  qp.retriesLeft = sim.config.retryCnt;
  qp.rnrRetriesLeft = sim.config.rnrRetry;
  qp.ePsn = rqPsn;
  qp.nakSent = false;
  qp.rdAtomicSlots.clear();
  // A provider that cleans the CQ on RESET (mlx5) drops the QP's completions not yet polled.
  if (sim.config.resetCancelsInFlight) sim.cancelUnpolled(qp.host, qp.path);
  transition(sim, qp, 'INIT', 'reset by the layer');
  transition(sim, qp, 'RTR', 'reset by the layer');
  transition(sim, qp, 'RTS', 'reset by the layer');
}

/** Stops the retransmission and RNR timers and any retry under way (the QP left RTS). */
function stopTimers(sim: Simulator, qp: Qp): void {
  cancelTimer(sim, qp);
  if (qp.rnrTimer) qp.rnrTimer.cancelled = true;
  qp.rnrTimer = undefined;
  qp.rnrWaiting = false;
  qp.retryStarted = false;
}

// The requester's transmission.

/**
 * Transmits what the send queue may send now: new WQEs in order, stopping at a fence, and at a
 * READ or atomic beyond the initiator depth (max_rd_atomic: "number of outstanding RDMA reads &
 * atomic operations", ibv_modify_qp(3)) until a completion returns a credit: rxe_req.c
 * check_init_depth takes one at the first transmission, rxe_comp.c complete_ack returns it; on
 * hardware the later READs/atomics likewise "will still be sitting in the SQ" (bnxt_re, commit
 * a25d112fe9c8).
 */
export function pump(sim: Simulator, qp: Qp): void {
  if (!qp.connected || qp.rnrWaiting) return;
  // Every WQE before sendIdx was transmitted and has not completed: it holds its credit. Counted
  // only when a READ/atomic waits (a scan of the queue per post would make long queues quadratic).
  let credits: number | undefined;
  while (qp.sendIdx < qp.sq.length) {
    const wqe = qp.sq[qp.sendIdx];
    if (returnsValue(wqe.wr.opcode)) {
      credits ??= sim.nic.initiatorDepth - qp.sq.slice(0, qp.sendIdx).filter((w) => returnsValue(w.wr.opcode)).length;
      if (credits <= 0) return;
      credits--;
    }
    // IBV_SEND_FENCE: wait until every earlier READ/atomic of this send queue has completed.
    if (
      wqe.wr.fence &&
      qp.sq
        .slice(0, qp.sendIdx)
        .some((w) => w.wr.opcode === 'READ' || w.wr.opcode === 'FETCH_ADD' || w.wr.opcode === 'CMP_SWAP')
    )
      return;
    if (wqe.corrupt) {
      fail(sim, qp, 'LOC_QP_OP_ERR', `corrupt WQE of WR ${wqe.wr.id}`, wqe.psn);
      return;
    }
    if (wqe.localError) {
      fail(sim, qp, wqe.localError, `local error ${wqe.localError} on WR ${wqe.wr.id}`, wqe.psn);
      return;
    }
    qp.sendIdx++;
    transmit(sim, qp, wqe.psn, false);
  }
}

/** Puts the request of the WQE with `psn` on the wire. */
export function transmit(sim: Simulator, qp: Qp, psn: number, retransmit: boolean): void {
  const wqe = qp.wqeAt(psn);
  if (!wqe) return;
  if (sim.nic.localPortDownFailsSend && !sim.nicAlive[qp.host][qp.path]) {
    // rxe: no route through a netdev that is down, the packet is never built (rxe_net.c
    // rxe_find_route fails, -EHOSTUNREACH; rxe_req.c: LOC_QP_OP_ERR, the QP goes to ERR). The
    // error lands on the oldest outstanding WQE, as rxe's completer reaches it first.
    fail(sim, qp, 'LOC_QP_OP_ERR', `${qp.host}'s netdev ${qp.path} is down: no route (rxe)`);
    return;
  }
  wqe.sent = true;
  const txSeq = (wqe.lastTx = qp.txCount++);
  // Anchors on this Send fire once the packet is on the wire, so a fault they start hits
  // what comes after it, not the packet itself.
  const ev = sim.record(
    { kind: 'Send', host: qp.host, path: qp.path, wr: wqe.wr.id, op: wqe.wr.opcode, psn, retransmit },
    false,
  );
  const packet: Packet = {
    kind: 'request',
    path: qp.path,
    requester: qp.host,
    txSeq,
    psn,
    wr: wqe.wr,
  };
  sendPacket(sim, packet, qp.host);
  if (!qp.timer) armTimer(sim, qp);
  sim.anchors.onEvent(ev);
}

/** Retransmits every sent, unacknowledged WQE from `fromPsn` on (go-back-N). */
export function retransmitFrom(sim: Simulator, qp: Qp, fromPsn: number): void {
  if (qp.rnrWaiting) return; // the RNR timer will retransmit
  const head = qp.sq[0];
  if (!head) return;
  for (let k = Math.max(0, psnDiff(fromPsn, head.psn)); k < qp.sq.length; k++) {
    const wqe = qp.sq[k];
    if (wqe.sent && !wqe.acked) transmit(sim, qp, wqe.psn, true);
  }
}

/** (Re)starts the retransmission timer: 4.096 us * 2^timeout (rxe: in jiffies); timeout 0 means none. */
export function armTimer(sim: Simulator, qp: Qp): void {
  cancelTimer(sim, qp);
  if (sim.config.timeout === 0) return;
  const handle = sim.queue.push(sim.now + sim.timeoutNs, () => {
    if (qp.timer !== handle) return;
    qp.timer = undefined;
    onTimeout(sim, qp);
  });
  qp.timer = handle;
}

/** Stops the retransmission timer (a cancelled entry stays queued and is skipped). */
export function cancelTimer(sim: Simulator, qp: Qp): void {
  if (qp.timer) qp.timer.cancelled = true;
  qp.timer = undefined;
}

/** The retransmission timer expired: retransmit from the oldest unacknowledged WQE, or fail the QP. */
function onTimeout(sim: Simulator, qp: Qp): void {
  if (!qp.connected) return;
  const head = qp.sq.find((w) => w.sent && !w.acked);
  if (!head) return;
  sim.record({
    kind: 'Timeout',
    host: qp.host,
    path: qp.path,
    wr: head.wr.id,
    psn: head.psn,
    retriesLeft: qp.retriesLeft,
  });
  // rxe: a timer that expires during an RNR wait spends a retry too; the RNR timer retransmits.
  if (spendRetry(sim, qp)) retransmitFrom(sim, qp, head.psn);
  else fail(sim, qp, 'RETRY_EXC_ERR', `retry_cnt exhausted on WR ${head.wr.id}`);
}

/** Spends one of retry_cnt's retries; false when none is left. rxe never spends retry_cnt 7. */
export function spendRetry(sim: Simulator, qp: Qp): boolean {
  if (sim.nic.retriesForever) return true;
  if (qp.retriesLeft <= 0) return false;
  qp.retriesLeft--;
  return true;
}
