/**
 * The failover-layer contract: the candidate under test. Event-driven and per host, so that the
 * same layer code runs on the simulator and on real NICs. Everything that enters a LayerInstance
 * is an observation; everything it does through its LayerEnv is a decision.
 */
import type { ScenarioSettings } from './scenario';
import type { LayerHost, Opcode, PostResult, RecvWr, SendWr, WorkCompletion } from './verbs';
import { OPCODES } from './verbs';

/** A failover layer: a factory of one instance per host. */
export interface FailoverLayer {
  readonly name: string;
  /** Sender-only logic: never uses the control channel nor the responder's cooperation. */
  readonly transparent?: boolean;
  /**
   * The op classes the layer carries (default: all). A layer that moves only WRITE and READ (a
   * transfer engine) declares so: audits and contract tests then generate only these, instead of
   * judging the layer on work it never accepts.
   */
  readonly opcodes?: readonly Opcode[];
  /**
   * The fabric settings the stack itself runs with (the QP attributes it sets, the liveness budget
   * its timers need): audits of generated scenarios use these instead of drawing them, unless the
   * caller passes CheckOptions.config (`{}`: draw everything, as for a layer without settings).
   */
  readonly config?: ScenarioSettings;
  /** One instance per host ('A' requester, 'B' responder). */
  create(env: LayerEnv): LayerInstance;
}

/**
 * Options of a memory operation a responder-side layer does on behalf of a peer's WR (README,
 * "Effects a layer performs itself").
 */
export interface MemOpOptions {
  /**
   * The peer application's WR id whose effect this is: a write, fetchAdd or cmpSwap is that
   * WR's execution (at-most-once counts it), a read serves that READ (its data).
   */
  forWr?: number;
}

/** Options of a completion a layer hands its application. */
export interface DeliverOptions {
  /**
   * For a SUCCESS RECV completion the layer filled itself (the message came over the control
   * channel or through its own buffers): the peer application's SEND or WRITE_WITH_IMM WR id
   * whose message this is. The delivery is then that message's effect at this host.
   */
  forWr?: number;
}

/** This host's own memory, by its own CPU (no network). Addresses are word indices. */
export interface LocalMemory {
  /** The word at `addr`; with `forWr`, the data of the peer's READ `forWr`, served by this layer. */
  read(addr: number, options?: MemOpOptions): number;
  write(addr: number, value: number, options?: MemOpOptions): void;
  /** Adds `add`, returns the old value. */
  fetchAdd(addr: number, add: number, options?: MemOpOptions): number;
  /** Swaps in `swap` when the word equals `compare`; returns the old value. */
  cmpSwap(addr: number, compare: number, swap: number, options?: MemOpOptions): number;
}

/**
 * The initial PSNs of a reconnected QP (24-bit, 0..2^24-1; each defaults to 0): `sqPsn`, the
 * first PSN this end sends (ibv_modify_qp to RTS, sq_psn); `rqPsn`, the first PSN it expects
 * from the peer (to RTR, rq_psn). The peer's end must be reset with the mirror image (its sqPsn =
 * this rqPsn, its rqPsn = this sqPsn) for the connection to work again.
 */
export interface ResetPsns {
  sqPsn?: number;
  rqPsn?: number;
}

/** What a layer instance can do: its decisions. */
export interface LayerEnv {
  readonly host: LayerHost;
  /** Number of paths (NIC pairs); path 0 is the primary. */
  readonly paths: number;
  /** ibv_post_send on the QP of `path`. Keep the application's wr.id; invented WRs use ids < 0. */
  post(path: number, wr: SendWr): PostResult;
  /** ibv_post_recv on the QP of `path`. */
  postRecv(path: number, wr: RecvWr): PostResult;
  /**
   * Reconnect THIS host's QP of `path`: RESET -> INIT -> RTR (expecting `rqPsn`) -> RTS (sending
   * from `sqPsn`). Its posted send and receive WQEs are discarded without completions and its
   * responder state (expected PSN, atomic cache) starts afresh. The peer's QP is not touched: it
   * still expects its old PSN until its own layer resets it too (the receive PSN is set only on
   * INIT -> RTR), so a layer must coordinate the peer's reset, e.g. over sendControl.
   */
  reset(path: number, psns?: ResetPsns): void;
  /**
   * ibv_modify_qp to ERR on this host's QP of `path`: every outstanding send and receive WQE
   * completes with WR_FLUSH_ERR (unlike reset, which discards them silently). The peer is not told.
   */
  moveToError(path: number): void;
  /**
   * Hand a completion to the application. `{ forWr }` attributes a SUCCESS RECV completion to
   * the peer application's WR whose message the layer received itself.
   */
  deliver(wc: WorkCompletion, options?: DeliverOptions): void;
  /** Ask for onTimer(token) after `delayNs`. */
  setTimer(delayNs: number, token: string): void;
  /** A message to the peer host's instance over the management network (plain JSON data). */
  sendControl(msg: unknown): void;
  readonly memory: LocalMemory;
  /**
   * Words of this host's registered memory, when the adapter knows it (optional, additive): a
   * responder-side layer executing a peer's WR itself checks the address as the NIC would.
   */
  readonly memoryWords?: number;
  /**
   * Words of memory after `memoryWords` that belong to this host's layer (SimConfig.layerMemoryWords),
   * at addresses [memoryWords, memoryWords + layerMemoryWords): env.memory reaches them, and the peer's
   * layer may RDMA READ or WRITE them with its own WRs (negative ids). Absent: none.
   */
  readonly layerMemoryWords?: number;
  /** Virtual (or real) time in nanoseconds. */
  now(): number;
}

/** A layer instance on one host: its observations. */
export interface LayerInstance {
  /** From the application. */
  postSend(wr: SendWr): void;
  /** From the application. */
  postRecv(wr: RecvWr): void;
  /** A completion polled from the CQ of `path`. */
  onCompletion(path: number, wc: WorkCompletion): void;
  onPortEvent?(path: number, event: 'PORT_ERR' | 'PORT_ACTIVE'): void;
  onTimer?(token: string): void;
  onControl?(msg: unknown): void;
}

/** True when `value` has the FailoverLayer shape: a name and a create function. */
export function isFailoverLayer(value: unknown): value is FailoverLayer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FailoverLayer).name === 'string' &&
    typeof (value as FailoverLayer).create === 'function'
  );
}

/**
 * The op classes `layer` carries, in the audit matrix's order: its declared `opcodes`, or every
 * opcode when it declares none (unknown names are kept out; checkLayer reports them).
 */
export function carriedOpcodes(layer: Pick<FailoverLayer, 'opcodes'>): readonly Opcode[] {
  const declared = layer.opcodes;
  if (!Array.isArray(declared)) return OPCODES;
  return OPCODES.filter((op) => declared.includes(op));
}
