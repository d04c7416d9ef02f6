/** Receiving into the layer's own buffers and handing messages to the application's RECVs. */
import type { LayerEnv } from '../../core/layer';
import type { RecvWr, WorkCompletion } from '../../core/verbs';
import { AppRecvs } from './appRecvs';
import type { LayerIds } from './ids';

/** How a RecvRelay places its buffers. */
export interface RecvRelayOptions {
  /**
   * 'mirror': a buffer on every path for every application RECV not yet filled (a sender may
   * fail over to any path without telling the receiver). 'active': those buffers only on the
   * active path (switchTo moves it); other paths keep just the spares.
   */
  mode: 'mirror' | 'active';
  /** Extra buffers kept on every path, for the layer's own messages (handshakes). Default 0. */
  spare?: number;
  /** The active path at start, in 'active' mode. Default 0. */
  activePath?: number;
  /** True for a message meant for the layer itself; it is handed to onLayerMessage. */
  isLayerMessage?: (wc: WorkCompletion) => boolean;
  onLayerMessage?: (path: number, wc: WorkCompletion) => void;
  /** A buffer of `path` was flushed or could not be posted: that QP is in ERR. */
  onPathError: (path: number) => void;
}

/**
 * The layer posts its own (negative-id) buffers to the NICs and keeps the application's RECVs
 * itself; each application message that arrives, on whatever path, fills the application's
 * oldest unfilled RECV. So a duplicate fills the next RECV (queue sliding, Theorem 2) exactly as
 * it would on one QP, and a message never depends on which QP its buffer was posted to.
 */
export class RecvRelay {
  /** Application messages received so far (the receive counter of SHIFT's handshake). */
  received = 0;
  private readonly appRecvs: AppRecvs;
  /** Live buffers: id -> path. */
  private readonly buffers = new Map<number, number>();
  /** Buffers a reset discarded: a completion already queued for one is still honoured. */
  private readonly discarded = new Map<number, number>();
  private readonly counts: number[];
  private readonly down: boolean[];
  private active: number;

  constructor(
    private readonly env: LayerEnv,
    private readonly ids: LayerIds,
    private readonly options: RecvRelayOptions,
  ) {
    this.appRecvs = new AppRecvs(env);
    this.counts = new Array(env.paths).fill(0);
    this.down = new Array(env.paths).fill(false);
    this.active = options.activePath ?? 0;
  }

  /** Posts the initial spare buffers; call once from create. */
  start(): void {
    for (let p = 0; p < this.env.paths; p++) this.fill(p);
  }

  /** The path whose buffers hold the application's RECVs ('active' mode). */
  get activePath(): number {
    return this.active;
  }

  /** The application posted a RECV. */
  postApp(wr: RecvWr): void {
    if (this.appRecvs.post(wr.id)) for (let p = 0; p < this.env.paths; p++) this.fill(p);
  }

  /** True when `wrId` is one of this relay's buffers. */
  owns(wrId: number): boolean {
    return this.buffers.has(wrId) || this.discarded.has(wrId);
  }

  /** A completion of one of this relay's buffers. */
  onCompletion(path: number, wc: WorkCompletion): void {
    const live = this.buffers.delete(wc.wrId);
    if (live) this.counts[path]--;
    else this.discarded.delete(wc.wrId);
    if (wc.status !== 'SUCCESS') {
      if (live && !this.down[path]) {
        this.down[path] = true;
        this.options.onPathError(path);
      }
      return;
    }
    if (this.options.isLayerMessage?.(wc)) this.options.onLayerMessage?.(path, wc);
    else this.onAppMessage(wc);
    this.fill(path);
  }

  /** This host reset `path`: its buffers are gone; post fresh ones. */
  onReset(path: number): void {
    // forEach, not for-of over entries: no [id, path] pair allocated per buffer (a hot path of
    // every reset; issue 13). Deleting the visited entry during forEach is defined for a Map.
    this.buffers.forEach((p, id) => {
      if (p !== path) return;
      this.buffers.delete(id);
      this.discarded.set(id, p);
    });
    this.counts[path] = 0;
    this.down[path] = false;
    this.fill(path);
  }

  /** Moves the application's buffers to `path` ('active' mode): the RECVs re-posted there. */
  switchTo(path: number): void {
    this.active = path;
    this.fill(path);
  }

  private onAppMessage(wc: WorkCompletion): void {
    this.received++;
    this.appRecvs.arrived(wc);
  }

  private target(path: number): number {
    const spare = this.options.spare ?? 0;
    if (this.options.mode === 'mirror' || path === this.active) return this.appRecvs.unfilled + spare;
    return spare;
  }

  private fill(path: number): void {
    while (!this.down[path] && this.counts[path] < this.target(path)) {
      const id = this.ids.take();
      const r = this.env.postRecv(path, { id });
      if (!r.ok) {
        this.down[path] = true;
        this.options.onPathError(path);
        return;
      }
      this.buffers.set(id, path);
      this.counts[path]++;
    }
  }
}
