/**
 * The verbs vocabulary shared by every part of rdmacheck: opcodes, work requests, completions.
 * Memory is word-addressed; a word holds a safe integer (the native adapter maps a word to an
 * 8-byte slot of a registered region).
 */

// The lists below are the one source of each vocabulary: the union types are derived from them,
// and the trace-file schema, the validator and the generators read them.
const opcodeList = ['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'WRITE_WITH_IMM'] as const;

/** A send-queue opcode (RC only). */
export type Opcode = (typeof opcodeList)[number];

/** Every opcode, in the order the audit matrix prints them. */
export const OPCODES: readonly Opcode[] = opcodeList;

/** A host: A requester, B responder, C a third party (a concurrent writer on B's memory). */
export type Host = 'A' | 'B' | 'C';

/** A host that runs a failover-layer instance. */
export type LayerHost = 'A' | 'B';

/**
 * A send work request. `id` is the application's wr_id; a layer re-posting an application WR
 * keeps its id, and WRs a layer invents itself (probes, handshakes, logs) use negative ids.
 * WRITE writes `value` at `addr`; READ returns the word; SEND/WRITE_WITH_IMM carry `value` as
 * payload (and `imm`); FETCH_ADD adds `add`; CMP_SWAP swaps in `swap` when the word is `compare`.
 */
export interface SendWr {
  id: number;
  opcode: Opcode;
  addr?: number;
  value?: number;
  add?: number;
  compare?: number;
  swap?: number;
  imm?: number;
  signaled?: boolean;
  fence?: boolean;
  /** The application's hint that this WR must never be retransmitted (SHIFT's "ineligible"). */
  noRetransmit?: boolean;
  /** A SEND/WRITE_WITH_IMM body longer than one word (an RPC request, a log record). */
  payload?: number[];
}

/** A receive work request: one buffer of one message. */
export interface RecvWr {
  id: number;
}

const wcStatusList = [
  'SUCCESS',
  'WR_FLUSH_ERR',
  'RETRY_EXC_ERR',
  'RNR_RETRY_EXC_ERR',
  'REM_ACCESS_ERR',
  'REM_INV_REQ_ERR',
  'REM_OP_ERR',
  'LOC_LEN_ERR',
  'LOC_QP_OP_ERR',
  // A local protection error (a bad lkey): the fabric's real programs can make one.
  'LOC_PROT_ERR',
] as const;

/** Completion status, as ibv_wc_status names it (without the IBV_WC_ prefix). */
export type WcStatus = (typeof wcStatusList)[number];

/** Every completion status, SUCCESS first (the env's completion check and validators use it). */
export const WC_STATUSES: readonly WcStatus[] = wcStatusList;

/** A work completion. On error only wrId and status are meaningful (as in ibv_poll_cq). */
export interface WorkCompletion {
  wrId: number;
  status: WcStatus;
  opcode: Opcode | 'RECV';
  /** READ data, the atomic's old value, or the RECV payload. */
  value?: number;
  imm?: number;
  /** For RECV completions of WRITE_WITH_IMM: true (no payload lands in the buffer). */
  withImm?: boolean;
  /** The multi-word body of a received SEND, when the sender gave one. */
  payload?: number[];
}

/** The outcome of ibv_post_send / ibv_post_recv: posted, or refused at once with a reason. */
export type PostResult = { ok: true } | { ok: false; error: string };

const qpStateList = ['RESET', 'INIT', 'RTR', 'RTS', 'SQD', 'SQE', 'ERR'] as const;

/** Queue-pair states (ibv_qp_state). */
export type QpState = (typeof qpStateList)[number];

/** Every queue-pair state, in ibv_qp_state order. */
export const QP_STATES: readonly QpState[] = qpStateList;

/** Legal RC transitions, from linux drivers/infiniband/core/verbs.c qp_state_table. */
export const LEGAL_QP_TRANSITIONS: Readonly<Record<QpState, readonly QpState[]>> = {
  RESET: ['RESET', 'INIT'],
  INIT: ['RESET', 'ERR', 'INIT', 'RTR'],
  RTR: ['RESET', 'ERR', 'RTS'],
  RTS: ['RESET', 'ERR', 'RTS', 'SQD'],
  SQD: ['RESET', 'ERR', 'RTS', 'SQD'],
  SQE: ['RESET', 'ERR', 'RTS'],
  ERR: ['RESET', 'ERR'],
};

/** Packet sequence numbers are 24-bit (IBTA BTH:PSN): they count modulo 2^24 and wrap. */
export const PSN_MODULUS = 0x1000000;

/**
 * The IB transport's retransmission timer for a local ACK timeout exponent: 4.096 us * 2^timeout
 * (timeout 0 means no timer at all; callers handle that case).
 */
export function ibTimerNs(timeout: number): number {
  return 4096 * 2 ** timeout;
}

/**
 * rdma_rxe's timer tick: one jiffy at HZ=250, 4 ms (the kernel's timers fire on jiffies; HZ=250
 * is the common distribution setting; at HZ=1000 every rxe floor below would be 1 ms).
 */
export const RXE_JIFFY_NS = 4_000_000;

/**
 * rdma_rxe's retransmission timer for a timeout exponent: 4.096 us * 2^timeout truncated to whole
 * jiffies, and at least one (rxe_qp.c rxe_qp_from_attr: nsecs_to_jiffies, `j ? j : 1`). So every
 * timeout up to 10 waits one jiffy: milliseconds, not microseconds. (Timeout 0 means no timer at
 * all, as with ibTimerNs; callers handle that case.)
 */
export function rxeTimerNs(timeout: number): number {
  return Math.max(1, Math.floor(ibTimerNs(timeout) / RXE_JIFFY_NS)) * RXE_JIFFY_NS;
}

/** rdma_rxe's RNR wait: rounded up to whole jiffies, at least one (rxe_comp.c rnrnak_jiffies). */
export function rxeRnrTimerNs(ns: number): number {
  return Math.max(1, Math.ceil(ns / RXE_JIFFY_NS)) * RXE_JIFFY_NS;
}

/** True for the opcodes that read or modify remote memory atomically. */
export function isAtomic(op: Opcode): boolean {
  return op === 'FETCH_ADD' || op === 'CMP_SWAP';
}

/** True for the opcodes that consume a RECV at the responder. */
export function consumesRecv(op: Opcode): boolean {
  return op === 'SEND' || op === 'WRITE_WITH_IMM';
}

/** True for the opcodes whose response carries data (READ and the atomics). */
export function returnsValue(op: Opcode): boolean {
  return op === 'READ' || isAtomic(op);
}

/** True for an operation whose effect is not idempotent when executed twice (Theorem 2). */
export function isNonIdempotent(op: Opcode): boolean {
  return op !== 'READ';
}

/** A private copy of a work request (its payload too): what a layer posted cannot change later. */
export function copyWr<T extends { payload?: number[] }>(wr: T): T {
  return wr.payload ? { ...wr, payload: [...wr.payload] } : { ...wr };
}

/** A private copy of a work completion (its payload too). */
export const copyWc: (wc: WorkCompletion) => WorkCompletion = copyWr;
