/**
 * The consumer's own failover layer: it retries only what is safe to retry. A failed READ is
 * re-posted on another path (a READ has no effect, so running it twice is harmless) until every
 * path has failed it twice and READ_RETRY_BUDGET_NS has passed since its first failure, unless
 * the application caused the error (a bad address: retried on another path it would only put
 * that path's QP in error too); every other failure is handed to the application, which knows
 * whether its WRITE or atomic may be repeated. After an error on a path, new work goes to the
 * next usable path. A failed path is reconnected at both ends before it is used again: once
 * nothing of ours is left on it, this end resets and asks the peer over the control channel
 * ({reset}); the path is usable again only when the peer answers that its end is reset too
 * ({resetDone}). Each reconnect starts both ends at fresh PSNs, so that a late packet of the old
 * connection cannot pass for one of the new. While no path is usable, work waits in a queue; a
 * retry timer re-asks for resets lost with the control channel and gives up on work that waited
 * longer than the budget. Receive buffers stay on path 0.
 */
import type { FailoverLayer, LayerEnv, SendWr, WcStatus } from 'rdmacheck';

/** Errors the application's WR caused, not the path: the same WR fails the same way anywhere. */
const APPLICATION_ERRORS: ReadonlySet<string> = new Set([
  'REM_ACCESS_ERR',
  'REM_INV_REQ_ERR',
  'LOC_PROT_ERR',
  'LOC_LEN_ERR',
]);

/**
 * How long after its first failure a READ is still retried, across paths, before its error reaches
 * the application: a path that heals within it is used. Time, not a count of attempts, bounds the
 * retries, and it runs from the first failure, not the post, because the NIC's own retries before
 * it reports one can take longer than this. Every path must also have failed the READ twice, so
 * that a slow failure does not use up the budget before the other path had its chances.
 */
export const READ_RETRY_BUDGET_NS = 2_000_000;

/** While work waits for a path: how often the layer re-asks for lost resets and gives up on expired work. */
const RETRY_INTERVAL_NS = 50_000;

/** A path is up, failed (waiting for our WRs on it to complete), or reconnecting (waiting for the peer's resetDone). */
type PathState = 'up' | 'failed' | 'reconnecting';

/** One application WR the layer still owes a completion. */
interface Outstanding {
  wr: SendWr;
  /** When it was accepted, then when it first failed: its retry budget runs from here. */
  since: number;
  /** Its latest error (none yet: it is still waiting for its first try). */
  lastStatus?: WcStatus;
  /** How many times each path failed it. */
  failures: number[];
}

/** The PSNs both ends of a path start from after reconnect number `epoch` (24-bit PSN space). */
const psnsOf = (epoch: number) => {
  const psn = (epoch * 0x10000) % 0x1000000;
  return { sqPsn: psn, rqPsn: psn };
};

/** Re-post READs on another path after an error; surface every other error. */
export const readRetryLayer: FailoverLayer = {
  name: 'read-retry',
  create(env: LayerEnv) {
    let active = 0;
    const state: PathState[] = Array.from({ length: env.paths }, () => 'up');
    /**
     * Our WRs posted on each path that have not completed yet, in order (a reset would drop them
     * silently). A send queue completes in order, so a completion also retires the unsignaled WRs
     * before it, which have none of their own.
     */
    const onPath: Outstanding[][] = Array.from({ length: env.paths }, () => []);
    /** The latest reconnect this host started on each path, and the latest the peer asked for. */
    const ourEpoch = Array.from({ length: env.paths }, () => 0);
    const peerEpoch = Array.from({ length: env.paths }, () => 0);
    /** Work waiting for a usable path, in order. */
    const queue: Outstanding[] = [];
    let timerArmed = false;

    /** Hand `entry`'s latest error to the application: the layer gives up on it. */
    const fail = (entry: Outstanding) =>
      env.deliver({ wrId: entry.wr.id, status: entry.lastStatus ?? 'RETRY_EXC_ERR', opcode: entry.wr.opcode });

    /** Start reconnecting a failed path once nothing of ours is left on it. */
    const reconnect = (path: number) => {
      if (state[path] !== 'failed' || onPath[path].length > 0) return;
      ourEpoch[path] += 1;
      env.reset(path, psnsOf(ourEpoch[path]));
      env.sendControl({ reset: path, epoch: ourEpoch[path] });
      state[path] = 'reconnecting';
    };
    const markFailed = (path: number) => {
      if (state[path] === 'up') state[path] = 'failed';
      if (path === active) active = (active + 1) % env.paths;
    };
    const usablePath = (): number | undefined => {
      for (let k = 0; k < env.paths; k++) {
        const path = (active + k) % env.paths;
        if (state[path] === 'up') return (active = path);
      }
      return undefined;
    };
    const armTimer = () => {
      if (timerArmed || queue.length === 0) return;
      timerArmed = true;
      env.setTimer(RETRY_INTERVAL_NS, 'retry');
    };
    /** A try of `entry` on `path` failed: queue a READ again within its budget, report anything else. */
    const retryOrFail = (entry: Outstanding, path: number, status: WcStatus) => {
      if (entry.lastStatus === undefined) entry.since = env.now();
      entry.lastStatus = status;
      entry.failures[path] += 1;
      const retriable = entry.wr.opcode === 'READ' && !APPLICATION_ERRORS.has(status);
      const exhausted = Math.min(...entry.failures) >= 2 && env.now() - entry.since >= READ_RETRY_BUDGET_NS;
      if (retriable && !exhausted) queue.push(entry);
      else fail(entry);
    };
    /** Post queued work, in order, while some path is usable. */
    const drain = () => {
      state.forEach((_, path) => reconnect(path));
      for (let path = usablePath(); queue.length > 0 && path !== undefined; path = usablePath()) {
        const entry = queue.shift()!;
        if (env.post(path, entry.wr).ok) {
          onPath[path].push(entry);
        } else {
          markFailed(path);
          retryOrFail(entry, path, 'LOC_QP_OP_ERR');
        }
      }
      armTimer();
    };
    return {
      postSend(wr) {
        queue.push({ wr, since: env.now(), failures: Array.from({ length: env.paths }, () => 0) });
        drain();
      },
      postRecv(wr) {
        env.postRecv(0, wr);
      },
      onCompletion(path, wc) {
        if (wc.opcode === 'RECV') {
          env.deliver(wc);
          return;
        }
        const done = onPath[path].findIndex((entry) => entry.wr.id === wc.wrId);
        if (done < 0) return;
        const entry = onPath[path].splice(0, done + 1)[done];
        if (wc.status === 'SUCCESS') return env.deliver(wc);
        markFailed(path);
        retryOrFail(entry, path, wc.status);
        drain();
      },
      onPortEvent(path, event) {
        if (event === 'PORT_ERR') markFailed(path);
      },
      onTimer(token) {
        if (token !== 'retry') return;
        timerArmed = false;
        // A {reset} or {resetDone} may have been lost with the management network: ask again.
        state.forEach((s, path) => {
          if (s === 'reconnecting') env.sendControl({ reset: path, epoch: ourEpoch[path] });
        });
        // Work that found no usable path for the whole budget is given up: every path is down.
        const now = env.now();
        const expired = queue.filter((entry) => now - entry.since >= READ_RETRY_BUDGET_NS);
        expired.forEach((entry) => queue.splice(queue.indexOf(entry), 1));
        expired.forEach(fail);
        drain();
      },
      onControl(msg) {
        const { reset, resetDone, epoch } = msg as { reset?: unknown; resetDone?: unknown; epoch?: unknown };
        if (typeof epoch !== 'number') return;
        if (typeof reset === 'number' && reset >= 0 && reset < env.paths) {
          // The peer reconnects this path: reset our end to match (once per epoch: a repeated
          // request must not reset it again under traffic) and say so.
          if (epoch > peerEpoch[reset]) {
            peerEpoch[reset] = epoch;
            env.reset(reset, psnsOf(epoch));
          }
          env.sendControl({ resetDone: reset, epoch });
        }
        if (typeof resetDone === 'number' && state[resetDone] === 'reconnecting' && epoch === ourEpoch[resetDone]) {
          state[resetDone] = 'up';
          drain();
        }
      },
    };
  },
};

export default readRetryLayer;
