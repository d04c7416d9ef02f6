/**
 * What the fabric keeps per program (a host): its registered memory, CQs, channels, QPs, the
 * WRs it posted (by trace id), the operations waiting for the next barrier, and whether it is
 * waiting for virtual time. Numbers follow <infiniband/verbs.h>.
 */
import type { LayerHost, QpState } from '../../src/core/verbs';
import type { Socket } from 'node:net';
import type { Answer } from './protocol';

/** A registered region (ibv_reg_mr): real addresses in the program, keys, access flags. */
export interface MemoryRegion {
  lkey: number;
  rkey: number;
  addr: bigint;
  length: bigint;
  /** The address remote peers use (ibv_reg_mr_iova2); the region's own address otherwise. */
  iova: bigint;
  access: number;
}

/** A scatter/gather element as the program posted it. */
export interface Sge {
  addr: bigint;
  length: number;
  lkey?: number;
}

/** A completion as ibv_poll_cq returns it, with the bytes to place before it is returned. */
export interface PolledWc {
  wrId: string;
  status: number;
  opcode: number;
  byteLen: number;
  imm: number;
  flags: number;
  qpn: number;
  srcQp: number;
  segments: { addr: bigint; data: Buffer }[];
}

/** A completion queue (ibv_create_cq). */
export interface CompletionQueue {
  id: number;
  cqe: number;
  channel: number;
  entries: PolledWc[];
  /** ibv_req_notify_cq armed it: the next completion raises an event on its channel. */
  armed: boolean;
}

/** A send WR the program posted, by its trace id (the per-host order of posting). */
export interface PostedSend {
  wrId: string;
  opcode: number;
  sges: Sge[];
  length: number;
  data: Buffer;
  remoteAddr: bigint;
  rkey: number;
  compareAdd: bigint;
  swap: bigint;
}

/** A RECV the program posted, by its trace id. */
export interface PostedRecv {
  wrId: string;
  sges: Sge[];
}

/** An RC QP of the program: one per device (path), mapped onto the simulator's QP of that path. */
export interface QueuePair {
  qpn: number;
  path: number;
  sendCq: number;
  recvCq: number;
  maxSendWr: number;
  maxRecvWr: number;
  sigAll: boolean;
  accessFlags: number;
  /** The state after the operations still waiting for the barrier (undefined: none). */
  pendingState?: QpState;
  pendingSends: number;
  pendingRecvs: number;
  sends: Map<number, PostedSend>;
  recvs: Map<number, PostedRecv>;
  /** The program's initial PSNs (the trace counts PSNs from them: see docs/fabric.md). */
  sqPsn: number;
  rqPsn: number;
}

/** A call the fabric answers later: an empty poll or CQ-event wait, parked briefly. */
export interface Parked {
  kind: 'poll' | 'cq_event';
  id: number;
  max: number;
  timer: NodeJS.Timeout;
}

/** One program on the fabric. */
export class Host {
  pid = 0;
  socket: Socket | undefined;
  connected = false;
  gone = false;
  readonly mrs = new Map<number, MemoryRegion>();
  readonly cqs = new Map<number, CompletionQueue>();
  /** Channel id -> CQ ids with a pending event, in order. */
  readonly channels = new Map<number, number[]>();
  readonly qps = new Map<number, QueuePair>();
  readonly asyncEvents: { type: number; port: number; path: number }[] = [];
  /** Operations for the next barrier, in program order. */
  pending: (() => void)[] = [];
  nextSendId = 1;
  nextRecvId = 1;
  /** Its last verb was a poll that found nothing (or a CQ-event wait that found none). */
  waiting = false;
  /** Arrivals (completions, events) when it began waiting: a later one wakes it. */
  waitMark = 0;
  arrivals = 0;
  lastCallMs = Date.now();
  parked: Parked | undefined;
  /** The answer to send when the parked call completes. */
  reply: ((answer: Answer) => void) | undefined;

  constructor(readonly name: LayerHost) {}

  /** Waiting for virtual time: done, parked in an empty poll, or quiet for `quietMs` real time. */
  isWaiting(quietMs: number, nowMs: number): boolean {
    if (this.gone || !this.connected) return true;
    if (this.waiting && this.arrivals === this.waitMark) return true;
    return nowMs - this.lastCallMs >= quietMs;
  }

  /** The RECV with trace id `id`, on whichever QP it was posted. */
  qpsRecv(id: number): PostedRecv | undefined {
    for (const qp of this.qps.values()) {
      const r = qp.recvs.get(id);
      if (r) return r;
    }
    return undefined;
  }

  /** The QP of `path`, if the program created one. */
  qpOnPath(path: number): QueuePair | undefined {
    for (const qp of this.qps.values()) if (qp.path === path) return qp;
    return undefined;
  }
}

/** The QP number the fabric gives host `host`'s QP on `path` (deterministic, as the trace needs). */
export function qpNumber(host: LayerHost, path: number): number {
  return 0x100 * (host === 'A' ? 1 : 2) + 0x11 + path;
}
