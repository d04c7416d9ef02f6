/**
 * A test layer for real reconnects: everything on path 0; on an error completion it resets
 * path 0 (RESET -> INIT -> RTR -> RTS, the agent re-arms B's end) and posts the WR again, up to
 * five times. Lives in its own module so the agent can load it (native layerModules).
 */
import type { FailoverLayer } from '../../src/core/layer';
import type { SendWr } from '../../src/core/verbs';

/** reset-and-retry: reconnect path 0 and re-post after every error (at most 5 attempts). */
export const resetAndRetry: FailoverLayer = {
  name: 'test-reset-and-retry',
  transparent: true,
  create(env) {
    const wrs = new Map<number, SendWr>();
    const attempts = new Map<number, number>();
    return {
      postSend(wr) {
        wrs.set(wr.id, wr);
        attempts.set(wr.id, 1);
        env.post(0, wr);
      },
      postRecv(wr) {
        env.postRecv(0, wr);
      },
      onCompletion(_path, wc) {
        const wr = wrs.get(wc.wrId);
        const n = attempts.get(wc.wrId) ?? 0;
        if (wc.opcode !== 'RECV' && wc.status !== 'SUCCESS' && wr && n < 5) {
          attempts.set(wc.wrId, n + 1);
          env.reset(0);
          env.post(0, wr);
          return;
        }
        env.deliver(wc);
      },
    };
  },
};
