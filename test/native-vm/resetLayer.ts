/**
 * Test layers for real reconnects, everything on path 0. resetAndRetry is coordinated as real RC
 * needs: on an error completion A asks B (control channel) to reset its end of path 0; B resets
 * it, re-posts the RECVs the reset discarded and answers; then A resets its own end and posts the
 * WR again, up to five times. resetAloneAndRetry resets A's end only (B keeps expecting its old
 * PSN). Lives in its own module so the agent can load them (native layerModules).
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

/**
 * reset-alone-and-retry: after an error completion A alone reconnects path 0 (sending from PSN 0
 * again) and re-posts the WR once; B is never told, so it still expects its old PSN.
 */
export const resetAloneAndRetry: FailoverLayer = {
  name: 'test-reset-alone-and-retry',
  create(env) {
    const wrs = new Map<number, SendWr>();
    return {
      postSend(wr) {
        wrs.set(wr.id, wr);
        env.post(0, wr);
      },
      postRecv(wr) {
        env.postRecv(0, wr);
      },
      onCompletion(_path, wc) {
        const wr = wrs.get(wc.wrId);
        if (wc.opcode !== 'RECV' && wc.status !== 'SUCCESS' && wr) {
          wrs.delete(wc.wrId);
          env.reset(0, { sqPsn: 0, rqPsn: 0 });
          env.post(0, wr);
          return;
        }
        env.deliver(wc);
      },
      onControl() {},
    };
  },
};
