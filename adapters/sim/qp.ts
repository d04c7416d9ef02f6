/** Queue pairs, work-queue elements and packets of the simulated RC fabric. */
import type { LayerHost, QpState, RecvWr, SendWr } from '../../src/core/verbs';
import { psnDiff } from './psn';
import type { Scheduled } from './queue';

/** A responder resource of a READ or atomic (max_dest_rd_atomic slots), by PSN. */
export interface RdAtomicSlot {
  opcode: 'READ' | 'FETCH_ADD' | 'CMP_SWAP';
  addr: number;
  /** The atomic's old value (undefined for a READ, which is executed again). */
  old?: number;
}

/** A send WQE: one posted WR and its transport progress. */
export interface Wqe {
  wr: SendWr;
  psn: number;
  /** Transmitted at least once (the next transmission is a retransmission). */
  sent: boolean;
  /** The response for this PSN (or a later cumulative ACK, for non-data ops) arrived. */
  acked: boolean;
  /** READ data or the atomic's old value, from the response. */
  value?: number;
  /** corrupt-wqe fault: completes with LOC_QP_OP_ERR instead of being sent. */
  corrupt: boolean;
  /** Sequence number of this WQE's latest transmission on its QP (links are FIFO). */
  lastTx: number;
  /** A local error found at post time (a bad lkey: LOC_PROT_ERR): completes with it, not sent. */
  localError?: import('../../src/core/verbs').WcStatus;
}

/** A packet on a link. Requests carry the WR; responses carry the ACK/NAK for a PSN. */
export interface Packet {
  kind: 'request' | 'response';
  path: number;
  /** The requester host (responses travel back to it). */
  requester: LayerHost;
  /** Which transmission of its QP this request is (responses echo it: see Wqe.lastTx). */
  txSeq: number;
  psn: number;
  wr: SendWr;
  nak?: 'RNR' | 'SEQ' | 'ERR';
  status?: import('../../src/core/verbs').WcStatus;
  value?: number;
}

/** One end of a path's RC connection. The requester and responder halves live together. */
export class Qp {
  state: QpState = 'RTS';
  // Requester half.
  sq: Wqe[] = [];
  /** Index in sq of the next WQE to transmit for the first time. */
  sendIdx = 0;
  nextPsn = 0;
  /** Counts transmissions, to order them (see Wqe.lastTx). */
  txCount = 0;
  retriesLeft: number;
  rnrRetriesLeft: number;
  /** The pending retransmission timer, if armed. */
  timer: Scheduled | undefined = undefined;
  /** An implied-NAK retry sequence is under way: one at a time (rxe's started_retry). */
  retryStarted = false;
  /** Waiting out an RNR NAK: no retransmission timer meanwhile. */
  rnrWaiting = false;
  /** The pending RNR timer, if waiting (a reset or an error cancels it). */
  rnrTimer: Scheduled | undefined = undefined;
  // Responder half.
  rq: RecvWr[] = [];
  ePsn = 0;
  nakSent = false;
  /** Responder resources of READs and atomics (max_dest_rd_atomic slots, oldest evicted first), by PSN. */
  rdAtomicSlots = new Map<number, RdAtomicSlot>();

  constructor(
    readonly host: LayerHost,
    readonly path: number,
    retryCnt: number,
    rnrRetry: number,
  ) {
    this.retriesLeft = retryCnt;
    this.rnrRetriesLeft = rnrRetry;
  }

  /** The outstanding WQE with `psn` (the send queue holds consecutive PSNs, modulo 2^24), if any. */
  wqeAt(psn: number): Wqe | undefined {
    const head = this.sq[0];
    if (head === undefined) return undefined;
    const k = psnDiff(psn, head.psn);
    return k >= 0 ? this.sq[k] : undefined;
  }

  /** True when `psn` is one this requester has sent and not yet completed: a response for it is no ghost. */
  awaits(psn: number): boolean {
    const head = this.sq[0];
    if (head === undefined) return false;
    const k = psnDiff(psn, head.psn);
    return k >= 0 && k < this.sendIdx;
  }

  /** The QP can send and receive. */
  get connected(): boolean {
    return this.state === 'RTS' || this.state === 'SQD';
  }
}

/** The other end of a path. */
export function other(host: LayerHost): LayerHost {
  return host === 'A' ? 'B' : 'A';
}
