/**
 * One rc_fo endpoint (one lane's QP at one host) of the kucx model: its 16-bit counters, its
 * two-sided and one-sided descriptor queues, cumulative completion and the resend set
 * (rc_fo.h, iface.c, resend.c at KUCX_COMMIT; abbreviations in ./source).
 */
import type { SendWr } from '../../core/verbs';

/** One posted operation's descriptor: the application WR it carries and its sequence number. */
export interface Op {
  sn: number;
  wr: SendWr;
  /** PUT, GET and atomics (counted in tx_pc, queued in outstanding_os); AM (SEND) is two-sided. */
  oneSided: boolean;
}

/** The endpoint's fault flag (ep.c:1107-1111): none, failover in progress, failed over. */
export type EpFault = 'none' | 'in-progress' | 'fault';

const u16 = (x: number): number => x & 0xffff;
/** UCS_CIRCULAR_COMPARE16: the signed 16-bit difference a - b. */
export const diff16 = (a: number, b: number): number => (u16(a - b) << 16) >> 16;

/** The op classes kucx moves one-sided (ep.c:258-462, 680-798). */
export function isOneSided(wr: SendWr): boolean {
  return wr.opcode !== 'SEND';
}

/** What the resend set's preparation computed (resend.c:uct_rc_txqp_fo_completion_desc:13-62). */
export interface Release {
  /** Ops released as complete: the oldest two-sided ones and the one-sided ops up to the last of them. */
  released: Op[];
  /** (pi - tx_pc) - peer_ack: the two-sided ops to resend. */
  resend: number;
  qlen: number;
  /** The assert of resend.c:35 (qlen >= resend, circularly) failed: the process aborts. */
  assertFailed: boolean;
}

/** The TX state of one endpoint. */
export class Endpoint {
  /** txcnt.pi: ops produced; an op's sn is pi after it, and its wr_id is that sn (ep.c:151). */
  pi = 0;
  /** txcnt.ci: ops completed. */
  ci = 0;
  /** oscnt.tx_pc / tx_cc: one-sided ops produced and completed (rc_fo.h:14-17, 84-97). */
  txPc = 0;
  txCc = 0;
  /** txqp->outstanding: two-sided descriptors, oldest first. */
  readonly ts: Op[] = [];
  /** outstanding_os: one-sided descriptors, oldest first. */
  readonly os: Op[] = [];
  /** rxcnt.ack: RX CQEs handled on this endpoint (iface.c:276-281), 16-bit, no dedup. */
  ack = 0;
  fault: EpFault = 'none';
  /** The sn each application WR was last posted with here: its CQE's wr_id. */
  private readonly snOf = new Map<number, number>();

  /** Counts a new op (uct_rc_verbs_txqp_posted: pi++) and queues its descriptor (ep.c:76-89, 179, 254). */
  produce(wr: SendWr): Op {
    this.pi = u16(this.pi + 1);
    const op: Op = { sn: this.pi, wr, oneSided: isOneSided(wr) };
    (op.oneSided ? this.os : this.ts).push(op);
    if (op.oneSided) this.txPc = u16(this.txPc + 1);
    this.snOf.set(wr.id, op.sn);
    return op;
  }

  /** The wr_id (sn) the CQE of application WR `id` carries on this endpoint, if it was posted here. */
  snFor(id: number): number | undefined {
    return this.snOf.get(id);
  }

  /**
   * A TX CQE with wr_id `sn`, whatever its status (iface.c:poll_tx:172-194): every op up to `sn`
   * is complete (rc_fo.h:completion_desc:59-81), ci moves to `sn` (count = wr_id - ci, iface.c:59-63,
   * 69) and tx_cc by the one-sided ones among them. Returns the completed ops, oldest first.
   */
  completeUpTo(sn: number): Op[] {
    const ts = takeWhile(this.ts, (op) => diff16(op.sn, sn) <= 0);
    const os = takeWhile(this.os, (op) => diff16(op.sn, sn) <= 0);
    const count = u16(sn - this.ci);
    this.ci = u16(this.ci + count);
    this.txCc = u16(this.txCc + count - ts.length);
    return [...ts, ...os].sort((a, b) => diff16(a.sn, b.sn));
  }

  /**
   * resend.c:uct_rc_txqp_fo_completion_desc:13-62 with resend_prepare:64-84: (pi - tx_pc) - peer_ack
   * two-sided ops are to be resent; the oldest qlen - that are released, and the one-sided ops up
   * to the last released sn with them; ci moves by the count.
   */
  release(peerAck: number): Release {
    const resend = u16(u16(this.pi - this.txPc) - peerAck);
    const qlen = this.ts.length;
    if (diff16(qlen, resend) < 0) return { released: [], resend, qlen, assertFailed: true };
    const n = u16(qlen - resend);
    const released = this.ts.splice(0, n);
    if (released.length > 0) {
      const last = released[released.length - 1].sn;
      released.push(...takeWhile(this.os, (op) => diff16(op.sn, last) <= 0));
    }
    this.ci = u16(this.ci + released.length);
    return { released: released.sort((a, b) => diff16(a.sn, b.sn)), resend, qlen, assertFailed: false };
  }

  /** resend.c:get_first_op:412-449: the op with the smallest sn of the two queues (two-sided on a tie is impossible). */
  firstToResend(): Op | undefined {
    const t = this.ts[0];
    const o = this.os[0];
    if (t && o) return diff16(t.sn, o.sn) < 0 ? t : o;
    return t ?? o;
  }

  /** resend.c:delete_iter:451-461: the op leaves its queue once resent. */
  remove(op: Op): void {
    const q = op.oneSided ? this.os : this.ts;
    const i = q.indexOf(op);
    if (i >= 0) q.splice(i, 1);
  }

  /** resend.c:uct_rc_verbs_ep_resend_post:523-538: ci = pi, tx_cc = tx_pc. */
  resendPost(): void {
    this.ci = this.pi;
    this.txCc = this.txPc;
  }
}

/** Removes and returns the leading elements of `q` for which `keep` holds (ucs_queue_for_each_extract). */
function takeWhile<T>(q: T[], keep: (x: T) => boolean): T[] {
  let n = 0;
  while (n < q.length && keep(q[n])) n++;
  return q.splice(0, n);
}
