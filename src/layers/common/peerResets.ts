/**
 * Reconnecting a path on both ends. env.reset resets one end only: the peer's QP keeps
 * expecting its old PSN until its own layer resets it (verbs-semantics.md, "Queue pairs"). So
 * every reset here goes to a new *incarnation* of the path, announced to the peer over the
 * management network (sendControl) until the peer answers that its end is there too; a layer
 * may also carry its incarnations in its own messages on a working path (incarnations(),
 * learn()), so that a lost management network does not keep a path down. A path is usable only
 * while both ends are known to be at the same incarnation; either end catches up with the other.
 *
 * Incarnation n starts both directions at PSN -n * 2^16 (mod 2^24), each one 2^16 BEHIND the
 * one before: a request or response of an earlier incarnation still on the wire is then AHEAD of
 * what the new connection expects, out of sequence: NAKed or dropped, never executed and never
 * acknowledged (a duplicate would be ACKed: a false SUCCESS for a requester still on the old
 * connection). This holds for up to 127 incarnations of a path and 2^16 requests in each. The
 * other way round, traffic of a newer incarnation at an end still on an older one is a duplicate
 * there, ACKed and not executed: so nothing is sent on a path until the peer has confirmed it.
 */
import type { LayerEnv } from '../../core/layer';
import { PSN_MODULUS } from '../../core/verbs';

/** How far apart the initial PSNs of two successive incarnations are. */
const INCARNATION_PSN_STRIDE = 0x10000;

/**
 * The initial PSN of a connection's incarnation `inc` (0 for the first), 2^16 below the last, so
 * that traffic of an older incarnation still in flight is a ghost at the new one (up to 127
 * incarnations in a run). Mooncake's model uses it for a new endpoint's QP (mooncake/endpoints.ts).
 */
export function incarnationPsn(inc: number): number {
  return (PSN_MODULUS - ((inc * INCARNATION_PSN_STRIDE) % PSN_MODULUS)) % PSN_MODULUS;
}

/** The control message: "my end of `path` is at incarnation `inc`" (`ack`: an answer, not answered). */
interface ResetNotice {
  peerReset: { path: number; inc: number; ack: boolean };
}

/** Options of PeerResets. */
export interface PeerResetsOptions {
  /** This end of `path` was reset because the peer's end moved on: its WQEs are gone without completions. */
  onPeerReset: (path: number) => void;
  /** Both ends of `path` are at the same incarnation again (after a reset of either). */
  onUsable?: (path: number) => void;
  /**
   * How soon an unanswered announcement is sent again (the management network may be down); the
   * wait doubles with every repeat until an answer, so that a path waiting out a long NIC timer
   * (a deployment's timeout: seconds) with the management network gone costs a few dozen
   * messages, not one every retryNs, while an outage of a millisecond still ends in about one.
   */
  retryNs: number;
}

/** Both ends of every path, reset together over the management network. */
export class PeerResets {
  private readonly inc: number[];
  private readonly peerInc: number[];
  private readonly retrying: boolean[];
  /** The wait before the next repeat of each path's announcement. */
  private readonly retryWaitNs: number[];

  constructor(
    private readonly env: LayerEnv,
    private readonly options: PeerResetsOptions,
  ) {
    this.inc = new Array(env.paths).fill(0);
    this.peerInc = new Array(env.paths).fill(0);
    this.retrying = new Array(env.paths).fill(false);
    this.retryWaitNs = new Array(env.paths).fill(options.retryNs);
  }

  /** True when both ends of `path` are known to be at the same incarnation: the path works. */
  usable(path: number): boolean {
    return this.inc[path] === this.peerInc[path];
  }

  /** This end's incarnation of every path (to carry in the layer's own messages). */
  incarnations(): number[] {
    return [...this.inc];
  }

  /**
   * The peer's end of `path` is at incarnation `inc` (from a message of the peer): this end
   * catches up if it is behind. Returns true when it had to reset.
   */
  learn(path: number, inc: number): boolean {
    if (!(Number.isInteger(path) && path >= 0 && path < this.env.paths && Number.isInteger(inc))) return false;
    const wasUsable = this.usable(path);
    if (inc > this.peerInc[path]) this.peerInc[path] = inc;
    const behind = inc > this.inc[path];
    if (behind) {
      this.resetTo(path, inc);
      this.options.onPeerReset(path);
    }
    if (this.usable(path)) this.retryWaitNs[path] = this.options.retryNs;
    if (!wasUsable && this.usable(path)) this.options.onUsable?.(path);
    return behind;
  }

  /** Resets this end of `path` to a new incarnation at once and tells the peer to follow. */
  reset(path: number): void {
    this.resetTo(path, Math.max(this.inc[path], this.peerInc[path]) + 1);
    this.announce(path, false);
  }

  /** Handles a control message of this helper (true), or leaves it to the layer (false). */
  onControl(msg: unknown): boolean {
    const m = (msg as Partial<ResetNotice> | null)?.peerReset;
    if (!m || typeof m !== 'object') return false;
    const behind = this.learn(m.path, m.inc);
    // Answer an announcement, and tell the peer when this end just caught up with it.
    if (!m.ack || behind) this.announce(m.path, true);
    return true;
  }

  /** Handles a timer of this helper (true), or leaves it to the layer (false). */
  onTimer(token: string): boolean {
    if (!token.startsWith('peer-reset:')) return false;
    const path = Number(token.slice('peer-reset:'.length));
    this.retrying[path] = false;
    if (this.usable(path)) return true;
    this.retryWaitNs[path] *= 2;
    this.announce(path, false);
    return true;
  }

  private resetTo(path: number, inc: number): void {
    this.inc[path] = inc;
    const psn = incarnationPsn(inc);
    this.env.reset(path, { sqPsn: psn, rqPsn: psn });
  }

  /** Tells the peer where this end is; an announcement (not an answer) is repeated until answered. */
  private announce(path: number, ack: boolean): void {
    if (!(path >= 0 && path < this.env.paths)) return;
    const notice: ResetNotice = { peerReset: { path, inc: this.inc[path], ack } };
    this.env.sendControl(notice);
    if (ack || this.retrying[path]) return;
    this.retrying[path] = true;
    this.env.setTimer(this.retryWaitNs[path], `peer-reset:${path}`);
  }
}
