/** Reconnecting failed paths once nothing more can complete on them. */
import type { LayerEnv } from '../../core/layer';
import type { PathSendQueues } from './sendQueues';

/**
 * Paths whose QP failed (or that the layer gave up on). A failed path is reset (RESET -> INIT ->
 * RTR -> RTS) only once every WR posted on it has completed: a QP in ERR flushes everything it
 * holds, so waiting for the flushes means no stale completion can arrive after the reset and be
 * mistaken for one of a WR re-posted on the fresh QP. Only this host's end is reset: the peer's
 * QP keeps expecting its old PSN until its own layer resets it. The transparent layers that use
 * this (resendAll, readVerify, timerHedge) cannot ask it to, which their audits show; SHIFT's
 * handshake has the peer reset its end of the default QP (see shiftInstance.ts).
 */
export class PathResets {
  private readonly failed = new Set<number>();

  constructor(
    private readonly env: LayerEnv,
    private readonly queues: PathSendQueues,
    private readonly onReset: (path: number) => void,
  ) {}

  /** True while `path` waits to be reset. */
  isFailed(path: number): boolean {
    return this.failed.has(path);
  }

  /** `path` failed: reset it as soon as its send queue has drained. */
  fail(path: number): void {
    this.failed.add(path);
    this.settle(path);
  }

  /** Call after every completion on `path`: resets it when it failed and has drained. */
  settle(path: number): void {
    if (!this.failed.has(path) || this.queues.size(path) > 0) return;
    this.failed.delete(path);
    this.env.reset(path);
    this.queues.clear(path);
    this.onReset(path);
  }
}
