/** What a layer has posted on each path's send queue, matched against that path's completions. */
import type { SendWr } from '../../core/verbs';

/** One WR the layer posted on a path. */
export interface PostedWr {
  wr: SendWr;
  /** An application WR (positive id), as opposed to one the layer invented. */
  app: boolean;
  /** The layer gave up on this copy (re-posted it elsewhere): its completion is stale. */
  abandoned: boolean;
}

/**
 * Per path, the WRs posted and not yet completed, in posting order. A QP completes in posting
 * order, so a completion matches the oldest entry with its id, and the entries before it have
 * completed already (silently, when unsignaled). A reset discards the queue without completions.
 */
export class PathSendQueues {
  private readonly queues: PostedWr[][];

  constructor(paths: number) {
    this.queues = Array.from({ length: paths }, () => []);
  }

  /** Records a WR posted on `path`. */
  add(path: number, wr: SendWr, app: boolean): PostedWr {
    const entry: PostedWr = { wr, app, abandoned: false };
    this.queues[path].push(entry);
    return entry;
  }

  /**
   * Matches a completion of `wrId` on `path`: the entry (undefined for a stale completion, e.g.
   * one that was queued before a reset) and the earlier entries it implies completed.
   */
  match(path: number, wrId: number): { entry?: PostedWr; implied: PostedWr[] } {
    const q = this.queues[path];
    const k = q.findIndex((e) => e.wr.id === wrId);
    if (k < 0) return { implied: [] };
    const removed = q.splice(0, k + 1);
    return { entry: removed[k], implied: removed.slice(0, k) };
  }

  /** Marks every live entry of `path` abandoned and returns them, in posting order. */
  abandon(path: number): PostedWr[] {
    const live = this.queues[path].filter((e) => !e.abandoned);
    for (const e of live) e.abandoned = true;
    return live;
  }

  /** The live (not abandoned) entries of `path`, in posting order. */
  live(path: number): PostedWr[] {
    return this.queues[path].filter((e) => !e.abandoned);
  }

  /** Entries of `path` still waiting for a completion. */
  size(path: number): number {
    return this.queues[path].length;
  }

  /** Forgets `path`'s entries (its QP was reset: they will never complete). */
  clear(path: number): void {
    this.queues[path] = [];
  }
}
