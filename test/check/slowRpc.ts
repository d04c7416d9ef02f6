/**
 * A correct, non-transparent test layer with millisecond timers, as deployments write them: A
 * sends each WRITE or atomic to B's layer over the control channel and re-sends it every 2 ms
 * until B answers; after 20 ms without an answer it gives up with RETRY_EXC_ERR. B executes each
 * WR once, attributing the effect to it (a word outside its memory is refused: REM_ACCESS_ERR,
 * as a NIC answers), and answers once its log entry is durable (a commit 6 ms later); a re-send
 * of a committed WR is answered from the log. So every WR takes 6 ms: longer than the default
 * liveness budget of 5 ms.
 */
import type { FailoverLayer, LayerEnv } from '../../src/core/layer';
import type { SendWr } from '../../src/core/verbs';

/** The re-send period. */
export const RESEND_NS = 2_000_000;
/** How long A tries before it gives up. */
export const GIVE_UP_NS = 20_000_000;
/** How long B takes to make a WR's log entry durable before it answers. */
export const COMMIT_NS = 6_000_000;

type Message = { kind: 'rpc'; wr: SendWr } | { kind: 'done'; wrId: number; value?: number; status?: 'REM_ACCESS_ERR' };

/** The layer: WRITE, FETCH_ADD and CMP_SWAP only (it has no receive path). */
export const slowRpc: FailoverLayer = {
  name: 'test-slow-rpc',
  create: (env) => (env.host === 'A' ? requester(env) : responder(env)),
};

function requester(env: LayerEnv) {
  const waiting = new Map<number, { wr: SendWr; sinceNs: number }>();
  const send = (wr: SendWr) => {
    env.sendControl({ kind: 'rpc', wr } satisfies Message);
    env.setTimer(RESEND_NS, `resend:${wr.id}`);
  };
  return {
    postSend(wr: SendWr) {
      waiting.set(wr.id, { wr, sinceNs: env.now() });
      send(wr);
    },
    postRecv() {},
    onCompletion() {},
    onTimer(token: string) {
      const w = waiting.get(Number(token.slice('resend:'.length)));
      if (!w) return;
      if (env.now() - w.sinceNs < GIVE_UP_NS) return send(w.wr);
      waiting.delete(w.wr.id);
      env.deliver({ wrId: w.wr.id, status: 'RETRY_EXC_ERR', opcode: w.wr.opcode });
    },
    onControl(msg: unknown) {
      const m = msg as Message;
      const w = m.kind === 'done' ? waiting.get(m.wrId) : undefined;
      if (!w || m.kind !== 'done') return;
      waiting.delete(m.wrId);
      if (m.status !== undefined) return env.deliver({ wrId: m.wrId, status: m.status, opcode: w.wr.opcode });
      if (w.wr.signaled === false) return; // a successful unsignaled WR completes silently
      env.deliver({
        wrId: m.wrId,
        status: 'SUCCESS',
        opcode: w.wr.opcode,
        ...(m.value === undefined ? {} : { value: m.value }),
      });
    },
  };
}

function responder(env: LayerEnv) {
  const results = new Map<number, number | undefined>();
  /** WRs naming a word outside the memory: answered REM_ACCESS_ERR, as a NIC would, never executed. */
  const refused = new Set<number>();
  const committed = new Set<number>();
  const answer = (wrId: number) => {
    const value = results.get(wrId);
    const status = refused.has(wrId) ? { status: 'REM_ACCESS_ERR' as const } : {};
    env.sendControl({ kind: 'done', wrId, ...(value === undefined ? {} : { value }), ...status } satisfies Message);
  };
  const execute = (wr: SendWr): number | undefined => {
    const forWr = { forWr: wr.id };
    const addr = wr.addr ?? 0;
    if (env.memoryWords !== undefined && (addr < 0 || addr >= env.memoryWords)) {
      refused.add(wr.id);
      return undefined;
    }
    if (wr.opcode === 'FETCH_ADD') return env.memory.fetchAdd(addr, wr.add ?? 0, forWr);
    if (wr.opcode === 'CMP_SWAP') return env.memory.cmpSwap(addr, wr.compare ?? 0, wr.swap ?? 0, forWr);
    env.memory.write(addr, wr.value ?? 0, forWr);
    return undefined;
  };
  return {
    postSend() {},
    postRecv() {},
    onCompletion() {},
    onControl(msg: unknown) {
      const m = msg as Message;
      if (m.kind !== 'rpc') return;
      if (committed.has(m.wr.id)) return answer(m.wr.id);
      if (results.has(m.wr.id)) return; // executed, not yet durable: the commit answers
      results.set(m.wr.id, execute(m.wr));
      env.setTimer(COMMIT_NS, `commit:${m.wr.id}`);
    },
    onTimer(token: string) {
      const wrId = Number(token.slice('commit:'.length));
      committed.add(wrId);
      answer(wrId);
    },
  };
}
