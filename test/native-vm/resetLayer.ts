/**
 * A test layer for real reconnects, coordinated as real RC needs: everything on path 0; on an
 * error completion A asks B (control channel) to reset its end of path 0; B resets it, re-posts
 * the RECVs the reset discarded and answers; then A resets its own end and posts the WR again, up
 * to five times. Lives in its own module so the agent can load it (native layerModules).
 */
import type { FailoverLayer } from '../../src/core/layer';
import type { RecvWr, SendWr } from '../../src/core/verbs';

/** The control messages of the reconnect: B is asked to reset, then says it did. */
type ResetMessage = { resetPath: 0; wr: number } | { resetDone: 0; wr: number };

/** reset-and-retry: reconnect path 0 on both ends and re-post after every error (at most 5 attempts). */
export const resetAndRetry: FailoverLayer = {
  name: 'test-reset-and-retry',
  create(env) {
    const wrs = new Map<number, SendWr>();
    const attempts = new Map<number, number>();
    const recvs = new Map<number, RecvWr>();
    return {
      postSend(wr) {
        wrs.set(wr.id, wr);
        attempts.set(wr.id, 1);
        env.post(0, wr);
      },
      postRecv(wr) {
        recvs.set(wr.id, wr);
        env.postRecv(0, wr);
      },
      onCompletion(_path, wc) {
        if (wc.opcode === 'RECV') {
          recvs.delete(wc.wrId);
          return env.deliver(wc);
        }
        const n = attempts.get(wc.wrId) ?? 0;
        if (wc.status !== 'SUCCESS' && wrs.has(wc.wrId) && n < 5) {
          attempts.set(wc.wrId, n + 1);
          env.sendControl({ resetPath: 0, wr: wc.wrId } satisfies ResetMessage);
          return;
        }
        env.deliver(wc);
      },
      onControl(msg) {
        const m = msg as ResetMessage;
        if ('resetPath' in m) {
          env.reset(0);
          for (const r of recvs.values()) env.postRecv(0, r); // a reset discards posted RECVs
          env.sendControl({ resetDone: 0, wr: m.wr } satisfies ResetMessage);
        } else {
          env.reset(0);
          env.post(0, wrs.get(m.wr)!);
        }
      },
    };
  },
};
