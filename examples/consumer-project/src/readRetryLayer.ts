/**
 * The consumer's own failover layer: it retries only what is safe to retry. A failed READ is
 * re-posted on the next path (a READ has no effect, so running it twice is harmless), up to
 * MAX_READ_ATTEMPTS times, unless the application caused the error (a bad address: retried on
 * another path it would only put that path's QP in error too); every other failure is handed to
 * the application, which knows whether its WRITE or atomic may be repeated. After an error on a path, new work goes to the next path;
 * a failed path is reconnected, at both ends (over the control channel), before it is used again.
 * Receive buffers stay on path 0.
 */
import type { FailoverLayer, LayerEnv, SendWr, WorkCompletion } from 'rdmacheck';

/** Errors the application's WR caused, not the path: the same WR fails the same way anywhere. */
const APPLICATION_ERRORS: ReadonlySet<string> = new Set([
  'REM_ACCESS_ERR',
  'REM_INV_REQ_ERR',
  'LOC_PROT_ERR',
  'LOC_LEN_ERR',
]);

/** How many times one READ is tried, across paths, before its error reaches the application. */
export const MAX_READ_ATTEMPTS = 8;

/** Re-post READs on the next path after an error; surface every other error. */
export const readRetryLayer: FailoverLayer = {
  name: 'read-retry',
  transparent: true,
  create(env: LayerEnv) {
    let active = 0;
    /** Paths that reported an error and have not been reconnected since. */
    const failed = new Set<number>();
    /** Our WRs posted on each path that have not completed yet. */
    const inflight = Array.from({ length: env.paths }, () => 0);
    /** Outstanding application WRs by id: the WR, its path, how many times it was tried. */
    const outstanding = new Map<number, { wr: SendWr; path: number; attempts: number }>();

    /** A failed path can be reconnected only when nothing of ours is left on it (a reset drops WQEs silently). */
    const usable = (path: number) => {
      if (!failed.has(path)) return true;
      if (inflight[path] > 0) return false;
      env.reset(path);
      // A reset is one-ended: the peer's end of the path may be in error too (a bad address
      // there moves the responder's QP to ERR), so ask the peer's layer to reset its end as well.
      env.sendControl({ reset: path });
      failed.delete(path);
      return true;
    };
    const choosePath = () => {
      for (let k = 0; k < env.paths; k++) {
        const path = (active + k) % env.paths;
        if (usable(path)) return (active = path);
      }
      return active; // every path is busy failing: post anyway, the error comes back as a completion
    };
    const post = (entry: { wr: SendWr; path: number; attempts: number }) => {
      entry.path = choosePath();
      entry.attempts += 1;
      const r = env.post(entry.path, entry.wr);
      if (r.ok) inflight[entry.path] += 1;
      else finish({ wrId: entry.wr.id, status: 'LOC_QP_OP_ERR', opcode: entry.wr.opcode });
    };
    const finish = (wc: WorkCompletion) => {
      outstanding.delete(wc.wrId);
      env.deliver(wc);
    };
    const markFailed = (path: number) => {
      failed.add(path);
      if (path === active) active = (active + 1) % env.paths;
    };

    return {
      postSend(wr) {
        const entry = { wr, path: active, attempts: 0 };
        outstanding.set(wr.id, entry);
        post(entry);
      },
      postRecv(wr) {
        env.postRecv(0, wr);
      },
      onCompletion(path, wc) {
        if (wc.opcode === 'RECV') {
          env.deliver(wc);
          return;
        }
        inflight[path] = Math.max(0, inflight[path] - 1);
        const entry = outstanding.get(wc.wrId);
        if (entry === undefined) return;
        if (wc.status === 'SUCCESS') return finish(wc);
        markFailed(path);
        const retriable = entry.wr.opcode === 'READ' && !APPLICATION_ERRORS.has(wc.status);
        if (retriable && entry.attempts < MAX_READ_ATTEMPTS) return post(entry);
        finish(wc);
      },
      onPortEvent(path, event) {
        if (event === 'PORT_ERR') markFailed(path);
      },
      onControl(msg) {
        const path = (msg as { reset?: unknown }).reset;
        if (typeof path === 'number' && path >= 0 && path < env.paths) env.reset(path);
      },
    };
  },
};

export default readRetryLayer;
