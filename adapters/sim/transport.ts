/**
 * The RC transport of one path: the responder half (PSN-ordered execution, duplicates, RNR,
 * remote errors, the atomic cache) and the requester half (ACK/NAK processing, in-order
 * completion, retries). Rules: shared/reference/verbs-semantics.md.
 */
import type { SendWr, WcStatus } from '../../src/core/verbs';
import { isAtomic } from '../../src/core/verbs';
import { setWord } from './apps';
import { executeExternal } from './external';
import { sendPacket } from './links';
import { armTimer, cancelTimer, fail, pump, retransmitFrom, spendRetry } from './nic';
import { nextPsn, psnDiff } from './psn';
import type { Packet, Qp, RdAtomicSlot, Wqe } from './qp';
import type { Simulator } from './simulator';

/** A request arrived at the responder QP `qp`. */
export function onRequest(sim: Simulator, qp: Qp, pkt: Packet): void {
  const wr = pkt.wr;
  if (qp.state !== 'RTS' && qp.state !== 'RTR' && qp.state !== 'SQD') {
    sim.record({
      kind: 'PacketLost',
      host: 'net',
      path: pkt.path,
      wr: wr.id,
      psn: pkt.psn,
      reason: `${qp.host}'s QP ${qp.path} is in ${qp.state}`,
    });
    return;
  }
  // Judged by its PSN alone (rxe_resp.c check_psn): ahead of the expected PSN is out of sequence,
  // behind it (within 2^23, modulo 2^24) a duplicate. The wire has no notion of which connection
  // a packet belongs to, so a request sent before either end was reset meets the same rules.
  const diff = psnDiff(pkt.psn, qp.ePsn);
  if (diff > 0) {
    // A gap: an earlier request was lost. One sequence NAK per gap (IBTA), carrying the expected PSN.
    receive(sim, qp, pkt, false, `out of sequence: expected PSN ${qp.ePsn}`);
    if (!qp.nakSent) {
      qp.nakSent = true;
      respond(sim, qp, pkt, { psn: qp.ePsn, nak: 'SEQ' });
    }
    return;
  }
  if (diff < 0) {
    onDuplicate(sim, qp, pkt);
    return;
  }
  receive(sim, qp, pkt, false, undefined);
  execute(sim, qp, pkt);
}

/** Records the Receive of a request (built field by field: this is the hot path). */
function receive(sim: Simulator, qp: Qp, pkt: Packet, duplicate: boolean, note: string | undefined): void {
  if (note === undefined) {
    sim.record({
      kind: 'Receive',
      host: qp.host,
      path: qp.path,
      from: pkt.requester,
      wr: pkt.wr.id,
      op: pkt.wr.opcode,
      psn: pkt.psn,
      duplicate,
    });
  } else {
    sim.record({
      kind: 'Receive',
      host: qp.host,
      path: qp.path,
      from: pkt.requester,
      wr: pkt.wr.id,
      op: pkt.wr.opcode,
      psn: pkt.psn,
      duplicate,
      note,
    });
  }
}

/** Records an Execute at the responder. */
export function executed(
  sim: Simulator,
  qp: Qp,
  pkt: Packet,
  addr: number | undefined,
  value: number | undefined,
  old: number | undefined,
  status: WcStatus,
): void {
  sim.record({
    kind: 'Execute',
    host: qp.host,
    path: qp.path,
    from: pkt.requester,
    wr: pkt.wr.id,
    op: pkt.wr.opcode,
    psn: pkt.psn,
    addr,
    value,
    old,
    status,
  });
}

/**
 * A request whose PSN is behind the expected one: a retransmission after a lost response, or a
 * request of a restarted PSN space that the responder has already passed (rxe_resp.c
 * duplicate_request). A SEND or WRITE is ACKed again and not executed. A READ or atomic needs
 * the responder resource (max_dest_rd_atomic slot) its PSN holds: a READ of the same word is
 * executed again, an atomic answered from the slot's saved result; without a matching resource
 * (evicted, cleared by a reset, or holding another request) it is dropped.
 */
function onDuplicate(sim: Simulator, qp: Qp, pkt: Packet): void {
  const wr = pkt.wr;
  if (wr.opcode === 'READ' || isAtomic(wr.opcode)) {
    const slot = qp.rdAtomicSlots.get(pkt.psn);
    if (!slot) {
      receive(
        sim,
        qp,
        pkt,
        true,
        `duplicate ${wr.opcode}: its responder resource was evicted (max_dest_rd_atomic), dropped`,
      );
      return;
    }
    const matches = wr.opcode === 'READ' ? slot.opcode === 'READ' && slot.addr === wr.addr : slot.opcode !== 'READ';
    if (!matches) {
      receive(
        sim,
        qp,
        pkt,
        true,
        `duplicate ${wr.opcode}: its PSN's responder resource holds another request, dropped`,
      );
      return;
    }
    if (wr.opcode === 'READ') {
      receive(sim, qp, pkt, true, 'duplicate READ: executed again');
      const value = sim.responderMemory
        ? sim.responderMemory.execute(qp.host, qp.path, wr, undefined).value
        : sim.memory[qp.host][wr.addr!];
      executed(sim, qp, pkt, wr.addr, value, value, 'SUCCESS');
      respond(sim, qp, pkt, { psn: pkt.psn, value });
    } else {
      receive(sim, qp, pkt, true, 'duplicate atomic: answered from the atomic cache');
      respond(sim, qp, pkt, { psn: pkt.psn, value: slot.old });
    }
  } else {
    receive(sim, qp, pkt, true, 'duplicate: ACKed again, not executed');
    respond(sim, qp, pkt, { psn: pkt.psn });
  }
}

/** Executes the request with the expected PSN. */
function execute(sim: Simulator, qp: Qp, pkt: Packet): void {
  if (sim.responderMemory) return executeExternal(sim, qp, pkt, sim.responderMemory);
  const wr = pkt.wr;
  const host = qp.host;
  const mem = sim.memory[host];
  const needsAddr = wr.opcode !== 'SEND' && !(wr.opcode === 'WRITE_WITH_IMM' && wr.addr === undefined);
  if (needsAddr) {
    // With max_dest_rd_atomic = 0 the responder takes no READ or atomic at all.
    const noResources = (wr.opcode === 'READ' || isAtomic(wr.opcode)) && sim.nic.responderSlots === 0;
    // The layer's own words (layerMemoryWords) are registered for the peer's layer only (its WRs
    // have negative ids); the application's WRs reach the application's words.
    const words = sim.config.memoryWords + (wr.id < 0 ? sim.config.layerMemoryWords : 0);
    const bad = noResources ? 'REM_INV_REQ_ERR' : addressError(wr, words);
    if (bad) {
      executed(sim, qp, pkt, wr.addr, undefined, undefined, bad);
      respond(sim, qp, pkt, { psn: pkt.psn, nak: 'ERR', status: bad });
      fail(sim, qp, undefined, `responder error ${bad} on WR ${wr.id}`);
      return;
    }
  }
  let value: number | undefined;
  if (wr.opcode === 'SEND' || wr.opcode === 'WRITE_WITH_IMM') {
    const recv = qp.rq.shift();
    if (!recv) {
      respond(sim, qp, pkt, { psn: pkt.psn, nak: 'RNR' });
      return;
    }
    sim.record({
      kind: 'RecvConsumed',
      host,
      path: qp.path,
      recvWr: recv.id,
      from: pkt.requester,
      wr: wr.id,
      value: wr.opcode === 'SEND' ? wr.value : undefined,
      imm: wr.imm,
    });
    let old: number | undefined;
    if (wr.opcode === 'WRITE_WITH_IMM' && wr.addr !== undefined) {
      old = mem[wr.addr];
      setWord(sim, host, wr.addr, wr.value ?? 0);
    }
    // The RECV's completion is queued before Execute is recorded: a fault anchored on this
    // Execute (say, the QP to ERR) must flush the later RECVs after it, in post order.
    sim.complete(host, qp.path, {
      wrId: recv.id,
      status: 'SUCCESS',
      opcode: 'RECV',
      ...(wr.opcode === 'SEND' ? { value: wr.value } : { withImm: true }),
      ...(wr.imm !== undefined ? { imm: wr.imm } : {}),
      ...(wr.payload ? { payload: [...wr.payload] } : {}),
    });
    executed(sim, qp, pkt, wr.addr, wr.value, old, 'SUCCESS');
  } else {
    const addr = wr.addr!;
    const old = mem[addr];
    if (wr.opcode === 'WRITE') setWord(sim, host, addr, wr.value ?? 0);
    else if (wr.opcode === 'FETCH_ADD') setWord(sim, host, addr, old + (wr.add ?? 0));
    else if (wr.opcode === 'CMP_SWAP' && old === (wr.compare ?? 0)) setWord(sim, host, addr, wr.swap ?? 0);
    if (wr.opcode !== 'WRITE')
      holdSlot(
        qp,
        pkt.psn,
        { opcode: wr.opcode, addr, ...(isAtomic(wr.opcode) ? { old } : {}) },
        sim.nic.responderSlots,
      );
    value = wr.opcode === 'WRITE' ? undefined : old;
    executed(sim, qp, pkt, addr, wr.opcode === 'WRITE' ? wr.value : mem[addr], old, 'SUCCESS');
  }
  qp.ePsn = nextPsn(qp.ePsn);
  qp.nakSent = false;
  respond(sim, qp, pkt, { psn: pkt.psn, value });
}

/**
 * The responder's address checks: a missing address is REM_INV_REQ_ERR, one outside the memory
 * REM_ACCESS_ERR, and an atomic at a misaligned (fractional: not on an 8-byte word) address
 * REM_INV_REQ_ERR (rxe_mr.c rxe_mr_do_atomic_op: MISALIGNED_ATOMIC, a NAK "invalid request").
 * READ and WRITE need no alignment on any device (the simulator refuses to post them misaligned:
 * see misalignedTransfer), so they are never REM_INV_REQ_ERR for it.
 */
function addressError(wr: SendWr, words: number): WcStatus | undefined {
  if (wr.addr === undefined) return 'REM_INV_REQ_ERR';
  if (!(wr.addr >= 0 && Math.ceil(wr.addr) < words)) return 'REM_ACCESS_ERR';
  if (isAtomic(wr.opcode) && !Number.isInteger(wr.addr)) return 'REM_INV_REQ_ERR';
  return undefined;
}

/** A READ or atomic takes a responder slot (an atomic keeps its old value); the oldest is evicted. */
export function holdSlot(qp: Qp, psn: number, slot: RdAtomicSlot, slots: number): void {
  qp.rdAtomicSlots.delete(psn); // a reused PSN takes the newest place
  qp.rdAtomicSlots.set(psn, slot);
  while (qp.rdAtomicSlots.size > slots) qp.rdAtomicSlots.delete(qp.rdAtomicSlots.keys().next().value!);
}

/** Sends the response for `pkt` back to its requester. */
export function respond(
  sim: Simulator,
  qp: Qp,
  pkt: Packet,
  r: { psn: number; nak?: Packet['nak']; status?: WcStatus; value?: number },
): void {
  // A response echoes the txSeq of the request it answers (see Wqe.lastTx).
  sendPacket(
    sim,
    {
      kind: 'response',
      path: pkt.path,
      requester: pkt.requester,
      txSeq: pkt.txSeq,
      psn: r.psn,
      wr: pkt.wr,
      nak: r.nak,
      status: r.status,
      value: r.value,
    },
    qp.host,
  );
}

// ------------------------------------------------------------------------- requester half

/** A response arrived at the requester QP `qp`. */
export function onResponse(sim: Simulator, qp: Qp, pkt: Packet): void {
  if (!qp.connected) return; // a QP in ERR (or being reset) takes no responses
  const target = qp.wqeAt(pkt.psn);
  sim.record({
    kind: 'Ack',
    host: qp.host,
    path: qp.path,
    wr: target?.wr.id ?? pkt.wr.id,
    psn: pkt.psn,
    nak: pkt.nak,
    status: pkt.status,
    value: pkt.value,
  });
  // A ghost: a response for no PSN this requester has sent and not yet completed (a duplicate
  // ACK, or one from before a reset whose PSN lies outside the new window) is dropped (IBTA
  // 9.9.2.4; rxe_comp.c check_psn ignores responses older than the oldest WQE). One whose PSN
  // falls inside the window is taken for what it says, whichever request it answered.
  if (!qp.awaits(pkt.psn)) return;
  if (pkt.nak === 'SEQ') {
    ackBefore(sim, qp, pkt.psn);
    const first = qp.sq.find((w) => w.sent && !w.acked);
    if (first) retry(sim, qp, first, 'sequence NAK');
    return settle(sim, qp);
  }
  // Any response for PSN n while an earlier READ/atomic, last sent before the request this
  // answers, still lacks its data: that data was lost (implied NAK). Links are FIFO, so a WQE
  // sent after it may still be answered; one retry sequence at a time, as rxe's started_retry.
  const missing = qp.sq.find((w) => psnDiff(w.psn, pkt.psn) < 0 && !w.acked && carriesData(w));
  const impliedNak = missing !== undefined && missing.lastTx < pkt.txSeq;
  if (pkt.nak === 'ERR' || pkt.nak === 'RNR') {
    ackBefore(sim, qp, pkt.psn);
    if (impliedNak) {
      // The earlier READ/atomic is retried first; the responder answers this one again.
      if (!qp.retryStarted) retry(sim, qp, missing, 'implied NAK');
      return settle(sim, qp);
    }
    if (pkt.nak === 'ERR')
      return fail(sim, qp, pkt.status ?? 'REM_OP_ERR', `remote error ${pkt.status} on PSN ${pkt.psn}`, pkt.psn);
    return onRnrNak(sim, qp, pkt.psn);
  }
  if (!target) return;
  const progressed = !target.acked;
  target.acked = true;
  target.value = pkt.value;
  ackBefore(sim, qp, pkt.psn);
  if (progressed) {
    qp.retriesLeft = sim.config.retryCnt;
    qp.rnrRetriesLeft = sim.config.rnrRetry;
    qp.retryStarted = false;
  }
  if (impliedNak && !qp.retryStarted) retry(sim, qp, missing, 'implied NAK');
  if (qp.state === 'ERR') return;
  settle(sim, qp);
}

/** One retry sequence from `from` (go-back-N), counted against retry_cnt. */
function retry(sim: Simulator, qp: Qp, from: Wqe, why: string): void {
  if (qp.rnrWaiting) return; // the RNR timer retransmits
  if (!spendRetry(sim, qp)) return fail(sim, qp, 'RETRY_EXC_ERR', `retry_cnt exhausted on WR ${from.wr.id} (${why})`);
  qp.retryStarted = true;
  retransmitFrom(sim, qp, from.psn);
}

/** A cumulative ACK: every sent non-data WQE before `psn` was executed. */
function ackBefore(sim: Simulator, qp: Qp, psn: number): void {
  for (const w of qp.sq) {
    if (psnDiff(w.psn, psn) >= 0) break;
    if (w.sent && !carriesData(w)) w.acked = true;
  }
  retire(sim, qp);
}

function carriesData(w: Wqe): boolean {
  return w.wr.opcode === 'READ' || isAtomic(w.wr.opcode);
}

/** Completes acknowledged WQEs from the head of the send queue, in post order. */
function retire(sim: Simulator, qp: Qp): void {
  while (qp.sq.length > 0 && qp.sq[0].acked) {
    const w = qp.sq.shift()!;
    qp.sendIdx--;
    if (w.wr.signaled === false) continue; // unsignaled: implied by a later completion
    sim.complete(qp.host, qp.path, {
      wrId: w.wr.id,
      status: 'SUCCESS',
      opcode: w.wr.opcode,
      ...(carriesData(w) ? { value: w.value } : {}),
    });
  }
}

/** Restarts or stops the retransmission timer and sends what became sendable. */
function settle(sim: Simulator, qp: Qp): void {
  if (!qp.connected) return;
  if (qp.rnrWaiting) return;
  if (qp.sq.some((w) => w.sent && !w.acked)) armTimer(sim, qp);
  else cancelTimer(sim, qp);
  pump(sim, qp);
}

/**
 * Receiver not ready: wait min_rnr_timer and retry, rnr_retry times (7 = forever). IBTA: the
 * retransmission timer waits too. rxe: it keeps running (rxe_comp.c COMPST_RNR_RETRY leaves
 * retrans_timer alone), so each expiry during the wait spends a retry (see onTimeout).
 */
function onRnrNak(sim: Simulator, qp: Qp, psn: number): void {
  const forever = sim.config.rnrRetry === 7;
  if (!forever && qp.rnrRetriesLeft <= 0) {
    fail(sim, qp, 'RNR_RETRY_EXC_ERR', `rnr_retry exhausted on PSN ${psn}`, psn);
    return;
  }
  if (!forever) qp.rnrRetriesLeft--;
  qp.rnrWaiting = true;
  if (!sim.nic.retransmitTimerDuringRnr) cancelTimer(sim, qp);
  // A reset or an error cancels this timer (nic.ts stopTimers).
  qp.rnrTimer = sim.queue.push(sim.now + sim.nic.rnrTimerNs, () => {
    qp.rnrTimer = undefined;
    if (!qp.rnrWaiting || !qp.connected) return;
    qp.rnrWaiting = false;
    retransmitFrom(sim, qp, psn);
    pump(sim, qp);
  });
}
