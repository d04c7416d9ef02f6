/**
 * Mooncake's endpoints as the model keeps them: one per path (local RNIC p to peer RNIC p), each
 * connected, destroying (its QP moved to ERR, draining its flushes) or being set up again by a
 * handshake with the passive side (ep.cpp at MOONCAKE_COMMIT). The sim has one QP per path, so a
 * new endpoint reuses the old QP once it has drained; the source builds a new QP at once.
 */
import type { LayerEnv } from '../../core/layer';
import { incarnationPsn } from '../common/peerResets';

/**
 * The PSN both directions of the QP of handshake `attempt` start at. The source builds a new QP
 * for a new endpoint (ep.cpp:construct, ibv_create_qp), whose new QP number the handshake
 * carries, so a response still in flight to the deleted endpoint's QP finds no QP and is dropped.
 * The simulator keeps one QP per path, so the model stands for the new QP number with a new PSN
 * space, 2^16 below the last: a late response of the deleted endpoint is then a ghost at A and
 * dropped, never taken for the new endpoint's (a plain ACK completing its READ without data).
 * Holds for up to 127 handshakes in a run.
 */
export function endpointPsn(attempt: number): number {
  return incarnationPsn(attempt);
}

/** Control messages of the endpoint handshake (setupConnectionsByActive and its ready ACK). */
export type HandshakeMessage =
  { mooncake: 'connect'; path: number; attempt: number } | { mooncake: 'ready'; path: number; attempt: number };

/** True when `msg` is a handshake message of this model. */
export function isHandshake(msg: unknown): msg is HandshakeMessage {
  const m = msg as Partial<HandshakeMessage> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    (m.mooncake === 'connect' || m.mooncake === 'ready') &&
    Number.isInteger(m.path) &&
    Number.isInteger(m.attempt)
  );
}

type State = 'connected' | 'destroying' | 'idle' | 'connecting';

/** What an endpoint hands back to the initiator. */
export interface EndpointEvents {
  /** The endpoint is ready: post these slices (in the order they waited). */
  ready(path: number, waiting: number[]): void;
  /** The handshake's ready ACK did not come in time: these slices waited on it. */
  timedOut(path: number, waiting: number[]): void;
}

/** The initiator's endpoints, by path. */
export class Endpoints {
  private readonly state: State[];
  /** Slices posted on each path's QP and not yet completed. */
  private readonly outstanding: Set<number>[];
  /** Slices waiting for each path's endpoint to become ready. */
  private readonly waiting: number[][];
  private attempt = 0;
  private readonly attemptOf: number[];

  constructor(
    private readonly env: LayerEnv,
    private readonly readyAckTimeoutNs: number,
    private readonly events: EndpointEvents,
  ) {
    // The run starts after the first handshakes: the sim's QPs begin in RTS.
    this.state = Array.from({ length: env.paths }, () => 'connected' as State);
    this.outstanding = Array.from({ length: env.paths }, () => new Set<number>());
    this.waiting = Array.from({ length: env.paths }, () => []);
    this.attemptOf = Array.from({ length: env.paths }, () => 0);
  }

  /** True when a slice can be posted on `path` now. */
  isConnected(path: number): boolean {
    return this.state[path] === 'connected';
  }

  /** Records a posted slice. */
  posted(path: number, slice: number): void {
    this.outstanding[path].add(slice);
  }

  /** A slice's completion was polled on `path`; false when it was not outstanding there (stale). */
  completed(path: number, slice: number): boolean {
    return this.outstanding[path].delete(slice);
  }

  /**
   * Queues a slice until the endpoint of `path` is ready, starting its setup when nobody has:
   * context.endpoint() makes a fresh endpoint and setupConnectionsByActive connects it
   * (wp.cpp:performPostSend:450-462).
   */
  wait(path: number, slice: number): void {
    this.waiting[path].push(slice);
    if (this.state[path] === 'idle') this.connect(path);
  }

  /**
   * Deletes the endpoint of `path` (ep.cpp:beginDestroyLocked:239-267): a connected endpoint's QP
   * is moved to ERR so that the NIC flushes every WR it holds (255-266); one still being set up
   * has no WRs and is just dropped (251). Returns the slices that were waiting on it.
   */
  destroy(path: number): number[] {
    const s = this.state[path];
    if (s === 'destroying' || s === 'idle') return [];
    const waiting = this.waiting[path];
    this.waiting[path] = [];
    if (s === 'connected') {
      this.state[path] = 'destroying';
      this.env.moveToError(path);
      this.settle(path);
    } else {
      this.state[path] = 'idle';
      this.attemptOf[path] = 0;
    }
    return waiting;
  }

  /** Slices waiting on any endpoint, taken out (they are routed again). */
  takeWaiting(): number[] {
    return this.waiting.flatMap((w, p) => {
      this.waiting[p] = [];
      return w;
    });
  }

  /** After a completion on `path`: a destroyed endpoint whose QP has drained becomes reusable. */
  settle(path: number): void {
    if (this.state[path] !== 'destroying' || this.outstanding[path].size > 0) return;
    this.state[path] = 'idle';
    if (this.waiting[path].length > 0) this.connect(path);
  }

  /** The passive side's ready ACK arrived. */
  onReady(path: number, attempt: number): void {
    if (this.state[path] !== 'connecting' || this.attemptOf[path] !== attempt) return; // stale
    this.state[path] = 'connected';
    const waiting = this.waiting[path];
    this.waiting[path] = [];
    this.events.ready(path, waiting);
  }

  /** The ready-ACK timer of `attempt` fired (wp.cpp:performPostSend:508-519 once it has passed). */
  onTimer(path: number, attempt: number): void {
    if (this.state[path] !== 'connecting' || this.attemptOf[path] !== attempt) return;
    this.state[path] = 'idle';
    this.attemptOf[path] = 0;
    const waiting = this.waiting[path];
    this.waiting[path] = [];
    this.events.timedOut(path, waiting);
  }

  /**
   * Sets the endpoint of `path` up again: this side's QP goes RESET -> RTS
   * (ep.cpp:doSetupConnection:1215-1225; a new QP in the source, a new PSN space here:
   * endpointPsn), the handshake asks the passive side to do the same and to answer with its ready
   * ACK, waited for at most kReadyAckTimeoutNano (ep.h:194-195).
   */
  private connect(path: number): void {
    const attempt = ++this.attempt;
    this.state[path] = 'connecting';
    this.attemptOf[path] = attempt;
    const psn = endpointPsn(attempt);
    this.env.reset(path, { sqPsn: psn, rqPsn: psn });
    this.env.sendControl({ mooncake: 'connect', path, attempt } satisfies HandshakeMessage);
    this.env.setTimer(this.readyAckTimeoutNs, `mooncake-ready:${path}:${attempt}`);
  }
}
