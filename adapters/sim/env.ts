/**
 * The LayerEnv the simulator hands each layer instance: every call is a decision, recorded in
 * the trace; misuse of the contract is recorded as a LayerFault and refused, never a crash.
 */
import type { LayerEnv, LocalMemory, MemOpOptions } from '../../src/core/layer';
import type { LayerHost, PostResult, RecvWr, SendWr, WorkCompletion } from '../../src/core/verbs';
import { copyWc, copyWr } from '../../src/core/verbs';
import { badPath, postMisuse, postRecvMisuse } from '../../src/core/layer-misuse';
import type { Wqe } from './qp';
import { other } from './simulator';
import type { Simulator } from './simulator';

/** Builds the LayerEnv of `host`'s layer instance. */
export function makeLayerEnv(sim: Simulator, host: LayerHost): LayerEnv {
  const paths = sim.config.paths;
  const app = sim.apps[host];
  const delivered = { send: new Set<number>(), recv: new Set<number>() };

  /** Refuses a post: recorded as the decision it was, plus a LayerFault when it is misuse. */
  const refuse = (kind: 'Post' | 'PostRecv', path: number, wr: SendWr | RecvWr, error: string, misuse: boolean): PostResult => {
    if (kind === 'Post') sim.record({ kind, host, path, wr: wr as SendWr, ok: false, error });
    else sim.record({ kind, host, path, wr: wr as RecvWr, ok: false, error });
    if (misuse) sim.layerFault(host, kind === 'Post' ? 'post' : 'postRecv', error);
    return { ok: false, error };
  };

  const post = (path: number, wrIn: SendWr): PostResult => {
    const wr = copyWr(wrIn);
    const misuse = postMisuse(host, path, paths, wr, app.sendIds);
    if (misuse) return refuse('Post', path, wr, misuse, true);
    const qp = sim.qps[host][path];
    if (qp.state === 'ERR') {
      if (sim.config.postToErrQp === 'reject') return refuse('Post', path, wr, `QP ${path} is in ERR`, false);
      sim.record({ kind: 'Post', host, path, wr, ok: true });
      sim.complete(host, path, { wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: wr.opcode });
      return { ok: true };
    }
    if (!qp.connected) return refuse('Post', path, wr, `QP ${path} is in ${qp.state}; ibv_post_send needs RTS`, false);
    const wqe: Wqe = { wr, psn: qp.nextPsn++, sent: false, acked: false, lastTx: -1, corrupt: sim.faults.isCorrupt(host, path, wr.id) };
    qp.sq.push(wqe);
    sim.record({ kind: 'Post', host, path, wr, ok: true });
    sim.pump(qp);
    return { ok: true };
  };

  const postRecv = (path: number, wrIn: RecvWr): PostResult => {
    const wr = { ...wrIn };
    const misuse = postRecvMisuse(host, path, paths, wr, app.recvIds);
    if (misuse) return refuse('PostRecv', path, wr, misuse, true);
    const qp = sim.qps[host][path];
    if (qp.state === 'ERR') {
      if (sim.config.postToErrQp === 'reject') return refuse('PostRecv', path, wr, `QP ${path} is in ERR`, false);
      sim.record({ kind: 'PostRecv', host, path, wr, ok: true });
      sim.complete(host, path, { wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: 'RECV' });
      return { ok: true };
    }
    if (qp.state === 'RESET') return refuse('PostRecv', path, wr, `QP ${path} is in RESET`, false);
    qp.rq.push(wr);
    sim.record({ kind: 'PostRecv', host, path, wr, ok: true });
    return { ok: true };
  };

  const deliver = (wcIn: WorkCompletion): void => {
    const wc = copyWc(wcIn);
    sim.record({ kind: 'Deliver', host, wc });
    const isRecv = wc.opcode === 'RECV';
    const seen = isRecv ? delivered.recv : delivered.send;
    if (!(isRecv ? app.recvIds : app.sendIds).has(wc.wrId)) {
      sim.layerFault(host, 'deliver', `delivered a completion for ${isRecv ? 'RECV' : 'WR'} ${wc.wrId}, which the application never posted`);
    } else if (seen.has(wc.wrId)) {
      sim.layerFault(host, 'deliver', `delivered a second completion for ${isRecv ? 'RECV' : 'WR'} ${wc.wrId}`);
    }
    seen.add(wc.wrId);
  };

  const setTimer = (delayNs: number, token: string): void => {
    if (!(Number.isFinite(delayNs) && delayNs >= 0) || typeof token !== 'string') {
      sim.layerFault(host, 'setTimer', `setTimer needs a delay >= 0 ns and a string token (got ${String(delayNs)}, ${typeof token})`);
      return;
    }
    sim.record({ kind: 'SetTimer', host, delayNs, token });
    sim.at(delayNs, () => {
      sim.record({ kind: 'TimerFired', host, obs: host, token });
      sim.callLayer(host, 'onTimer', (l) => l.onTimer?.(token));
    });
  };

  const sendControl = (msgIn: unknown): void => {
    let msg: unknown;
    try {
      msg = JSON.parse(JSON.stringify(msgIn ?? null));
    } catch (err) {
      sim.layerFault(host, 'sendControl', `control messages must be plain JSON data (${String(err)})`);
      return;
    }
    sim.record({ kind: 'SendControl', host, msg });
    if (!sim.controlUp) {
      sim.record({ kind: 'ControlLost', host, msg });
      return;
    }
    const peer = other(host);
    sim.at(sim.config.controlDelayNs, () => {
      sim.record({ kind: 'ControlReceived', host: peer, obs: peer, msg });
      sim.callLayer(peer, 'onControl', (l) => l.onControl?.(JSON.parse(JSON.stringify(msg))));
    });
  };

  return {
    host,
    paths,
    memoryWords: sim.memory[host].length,
    post,
    postRecv,
    reset: (path: number) => {
      const pathErr = badPath(path, paths);
      if (pathErr) return sim.layerFault(host, 'reset', pathErr);
      sim.record({ kind: 'Reset', host, path });
      sim.reconnect(sim.qps[host][path]);
    },
    deliver,
    setTimer,
    sendControl,
    memory: makeMemory(sim, host),
    now: () => sim.now,
  };
}

/** The host's own memory through its CPU; every access is a recorded decision. */
function makeMemory(sim: Simulator, host: LayerHost): LocalMemory {
  const mem = sim.memory[host];
  const valid = (op: string, addr: number): boolean => {
    if (Number.isInteger(addr) && addr >= 0 && addr < mem.length) return true;
    sim.layerFault(host, `memory.${op}`, `address ${String(addr)} is outside this host's memory (0..${mem.length - 1})`);
    return false;
  };
  const forWr = (o?: MemOpOptions) => (o?.forWr !== undefined ? { forWr: o.forWr } : {});
  return {
    read(addr) {
      if (!valid('read', addr)) return 0;
      sim.record({ kind: 'MemOp', host, op: 'read', addr, old: mem[addr] });
      return mem[addr];
    },
    write(addr, value, o) {
      if (!valid('write', addr)) return;
      sim.record({ kind: 'MemOp', host, op: 'write', addr, value, old: mem[addr], ...forWr(o) });
      sim.setWord(host, addr, value);
    },
    fetchAdd(addr, add, o) {
      if (!valid('fetchAdd', addr)) return 0;
      const old = mem[addr];
      sim.record({ kind: 'MemOp', host, op: 'fetchAdd', addr, add, old, ...forWr(o) });
      sim.setWord(host, addr, old + add);
      return old;
    },
    cmpSwap(addr, compare, swap, o) {
      if (!valid('cmpSwap', addr)) return 0;
      const old = mem[addr];
      sim.record({ kind: 'MemOp', host, op: 'cmpSwap', addr, compare, swap, old, ...forWr(o) });
      if (old === compare) sim.setWord(host, addr, swap);
      return old;
    },
  };
}
