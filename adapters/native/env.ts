/**
 * The LayerEnv a host's layer instance runs on, over real verbs: posts (queued while a path
 * reconnects), deliveries, timers, control messages, reset and local memory, each recorded exactly
 * as the simulator records it, with the same misuse checks. Moved unchanged out of HostRuntime
 * (`this` became `rt`); a shared LayerEnv contract module is meant to replace its rules later.
 */
import { badPath, postMisuse, postRecvMisuse } from '../../src/core/layer-misuse';
import type { LayerEnv, LayerInstance, LocalMemory, MemOpOptions } from '../../src/core/layer';
import type { LayerHost, PostResult, RecvWr, SendWr, WorkCompletion } from '../../src/core/verbs';
import { copyWr } from '../../src/core/verbs';
import type { NewEvent, WireConfig } from './config';
import type { HostSink } from './hostContext';
import { describe } from './hostContext';
import type { HostPaths } from './paths';

/** What the LayerEnv needs of its host runtime. */
export interface EnvRuntime {
  readonly host: LayerHost;
  readonly options: { readonly config: WireConfig; readonly sink: HostSink; readonly timerScale?: number };
  readonly paths: HostPaths;
  readonly memory: BigInt64Array;
  readonly appSendIds: Set<number>;
  readonly appRecvIds: Set<number>;
  /** `recv:<id>` / `send:<id>` of every completion the layer delivered. */
  readonly delivered: Set<string>;
  readonly hooks: { beforePost?: (host: LayerHost, path: number, wr: SendWr) => void };
  /** The time of the observation being handled, inside a layer callback. */
  readonly handlerT: number | undefined;
  now(): number;
  record(e: NewEvent): void;
  layerFault(during: string, reason: string): void;
  callLayer(during: string, fn: (inst: LayerInstance) => void): void;
  later(delayNs: number, fn: () => void): void;
  scanMemory(): void;
  word(addr: number): number;
  setWord(addr: number, value: number): void;
}

/** The LayerEnv of `rt`'s layer instance. */
export function makeEnv(rt: EnvRuntime): LayerEnv {
  const host = rt.host;
  const paths = rt.paths.ends.length;

  const refuse = (kind: 'Post' | 'PostRecv', path: number, wr: SendWr | RecvWr, error: string, misuse: boolean): PostResult => {
    if (kind === 'Post') rt.record({ kind, host, path, wr: wr as SendWr, ok: false, error });
    else rt.record({ kind, host, path, wr: wr as RecvWr, ok: false, error });
    if (misuse) rt.layerFault(kind === 'Post' ? 'post' : 'postRecv', error);
    return { ok: false, error };
  };

  const post = (path: number, wrIn: SendWr): PostResult => {
    const wr: SendWr = copyWr(wrIn);
    const misuse = postMisuse(host, path, paths, wr, rt.appSendIds);
    if (misuse) return refuse('Post', path, wr, misuse, true);
    const end = rt.paths.ends[path];
    const token = rt.paths.allocToken(end, 'send', wr);
    if (typeof token === 'string') return refuse('Post', path, wr, token, false);
    rt.hooks.beforePost?.(host, path, wr);
    if (end.state === 'RECONNECTING') {
      end.queued.push({ kind: 'send', token });
      rt.record({ kind: 'Post', host, path, wr, ok: true });
      return { ok: true };
    }
    const err = rt.paths.postToken(end, token);
    if (err) return refuse('Post', path, wr, err, false);
    rt.record({ kind: 'Post', host, path, wr, ok: true });
    return { ok: true };
  };

  const postRecv = (path: number, wrIn: RecvWr): PostResult => {
    const wr = { ...wrIn };
    const misuse = postRecvMisuse(host, path, paths, wr, rt.appRecvIds);
    if (misuse) return refuse('PostRecv', path, wr, misuse, true);
    const end = rt.paths.ends[path];
    const token = rt.paths.allocToken(end, 'recv', wr);
    if (typeof token === 'string') return refuse('PostRecv', path, wr, token, false);
    const err = rt.paths.postToken(end, token);
    if (err) return refuse('PostRecv', path, wr, err, false);
    rt.record({ kind: 'PostRecv', host, path, wr, ok: true });
    return { ok: true };
  };

  const deliver = (wcIn: WorkCompletion): void => {
    const wc = { ...wcIn, ...(wcIn.payload ? { payload: [...wcIn.payload] } : {}) };
    rt.record({ kind: 'Deliver', host, wc });
    const isRecv = wc.opcode === 'RECV';
    const key = `${isRecv ? 'recv' : 'send'}:${wc.wrId}`;
    if (!(isRecv ? rt.appRecvIds : rt.appSendIds).has(wc.wrId)) {
      rt.layerFault('deliver', `delivered a completion for ${isRecv ? 'RECV' : 'WR'} ${wc.wrId}, which the application never posted`);
    } else if (rt.delivered.has(key)) {
      rt.layerFault('deliver', `delivered a second completion for ${isRecv ? 'RECV' : 'WR'} ${wc.wrId}`);
    }
    rt.delivered.add(key);
  };

  const setTimer = (delayNs: number, token: string): void => {
    if (!(Number.isFinite(delayNs) && delayNs >= 0) || typeof token !== 'string') {
      rt.layerFault('setTimer', `setTimer needs a delay >= 0 ns and a string token (got ${String(delayNs)}, ${typeof token})`);
      return;
    }
    rt.record({ kind: 'SetTimer', host, delayNs, token });
    rt.later(delayNs * (rt.options.timerScale ?? 1), () => {
      rt.record({ kind: 'TimerFired', host, obs: host, token });
      rt.callLayer('onTimer', (l) => l.onTimer?.(token));
    });
  };

  const sendControl = (msgIn: unknown): void => {
    let msg: unknown;
    try {
      msg = JSON.parse(JSON.stringify(msgIn ?? null));
    } catch (err) {
      rt.layerFault('sendControl', `control messages must be plain JSON data (${String(err)})`);
      return;
    }
    rt.record({ kind: 'SendControl', host, msg });
    rt.options.sink.control(msg);
  };

  const reset = (path: number): void => {
    const pathErr = badPath(path, paths);
    if (pathErr) return rt.layerFault('reset', pathErr);
    rt.record({ kind: 'Reset', host, path });
    try {
      rt.paths.resetPath(rt.paths.ends[path]);
    } catch (err) {
      rt.layerFault('reset', `reconnecting path ${path} failed: ${describe(err)}`);
    }
  };

  return { host, paths, memoryWords: rt.options.config.memoryWords, post, postRecv, reset, deliver, setTimer, sendControl, memory: makeMemory(rt), now: () => rt.handlerT ?? rt.now() };
}

/** The LayerEnv's view of the host's memory: bounds-checked, scanned first, recorded. */
function makeMemory(rt: EnvRuntime): LocalMemory {
  const host = rt.host;
  const valid = (op: string, addr: number): boolean => {
    if (Number.isInteger(addr) && addr >= 0 && addr < rt.memory.length) return true;
    rt.layerFault(`memory.${op}`, `address ${String(addr)} is outside this host's memory (0..${rt.memory.length - 1})`);
    return false;
  };
  const forWr = (o?: MemOpOptions) => (o?.forWr !== undefined ? { forWr: o.forWr } : {});
  return {
    read: (addr) => {
      if (!valid('read', addr)) return 0;
      rt.scanMemory();
      const old = rt.word(addr);
      rt.record({ kind: 'MemOp', host, op: 'read', addr, old });
      return old;
    },
    write: (addr, value, o) => {
      if (!valid('write', addr)) return;
      rt.scanMemory();
      rt.record({ kind: 'MemOp', host, op: 'write', addr, value, old: rt.word(addr), ...forWr(o) });
      rt.setWord(addr, value);
    },
    fetchAdd: (addr, add, o) => {
      if (!valid('fetchAdd', addr)) return 0;
      rt.scanMemory();
      const old = rt.word(addr);
      rt.record({ kind: 'MemOp', host, op: 'fetchAdd', addr, add, old, ...forWr(o) });
      rt.setWord(addr, old + add);
      return old;
    },
    cmpSwap: (addr, compare, swap, o) => {
      if (!valid('cmpSwap', addr)) return 0;
      rt.scanMemory();
      const old = rt.word(addr);
      rt.record({ kind: 'MemOp', host, op: 'cmpSwap', addr, compare, swap, old, ...forWr(o) });
      if (old === compare) rt.setWord(addr, swap);
      return old;
    },
  };
}
