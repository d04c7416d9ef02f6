/**
 * The native transport under the LayerEnv contract (src/core/env): what a decision that passed
 * the contract's rules does on real verbs. Posts go to the path's QP, resets and moves to ERR
 * change this host's QP alone (as in the simulator), timers run on real time (scaled), control messages go to the peer through the
 * host's sink, memory operations scan for NIC writes first. Every rule, copy and refusal of
 * misuse is the contract's, shared with the simulator and the observation replay.
 */
import type { ContractEnv } from '../../src/core/env/contract';
import { contractEnv } from '../../src/core/env/contract';
import { describeError } from '../../src/core/errors';
import type { LayerInstance } from '../../src/core/layer';
import type { LayerHost, SendWr } from '../../src/core/verbs';
import type { NewEvent, WireConfig } from './config';
import type { HostSink } from './hostContext';
import type { HostPaths } from './paths';

/** What the LayerEnv needs of its host runtime. */
export interface EnvRuntime {
  readonly host: LayerHost;
  readonly options: { readonly config: WireConfig; readonly sink: HostSink; readonly timerScale?: number };
  readonly paths: HostPaths;
  readonly hooks: { beforePost?: (host: LayerHost, path: number, wr: SendWr) => void };
  /** The time of the observation being handled, inside a layer callback. */
  readonly handlerT: number | undefined;
  now(): number;
  record(e: NewEvent): void;
  layerFault(during: string, reason: string): void;
  callLayer(during: string, fn: (inst: LayerInstance) => void): void;
  /** Charges one step of the layer's work budget (throws past it, see HostRuntime.chargeLayer). */
  chargeLayer(): void;
  later(delayNs: number, fn: () => void): void;
  scanMemory(): void;
  word(addr: number): number;
  setWord(addr: number, value: number): void;
}

/** The LayerEnv of `rt`'s layer instance, on real verbs. */
export function makeEnv(rt: EnvRuntime): ContractEnv {
  const host = rt.host;
  return contractEnv({
    host,
    paths: rt.paths.ends.length,
    memoryWords: rt.options.config.memoryWords,
    // Every env call records (a decision, a refusal or a LayerFault), except now(): both are
    // charged to the layer's work budget, as the simulator charges them (adapters/sim/env.ts).
    record: (e) => {
      rt.chargeLayer();
      rt.record(e);
    },
    post(path, wr) {
      const end = rt.paths.ends[path];
      const token = rt.paths.allocToken(end, 'send', wr);
      if (typeof token === 'string') return token;
      rt.hooks.beforePost?.(host, path, wr);
      return rt.paths.postToken(end, token) || undefined;
    },
    postRecv(path, wr) {
      const end = rt.paths.ends[path];
      const token = rt.paths.allocToken(end, 'recv', wr);
      if (typeof token === 'string') return token;
      return rt.paths.postToken(end, token) || undefined;
    },
    reset(path, sqPsn, rqPsn) {
      try {
        rt.paths.resetPath(rt.paths.ends[path], sqPsn, rqPsn);
      } catch (err) {
        rt.layerFault('reset', `resetting path ${path} failed: ${describeError(err)}`);
      }
    },
    moveToError(path) {
      try {
        rt.paths.forceError(path, 'moved to ERR by the layer');
      } catch (err) {
        rt.layerFault('moveToError', `moving path ${path} to ERR failed: ${describeError(err)}`);
      }
    },
    setTimer(delayNs, token) {
      rt.later(delayNs * (rt.options.timerScale ?? 1), () => {
        rt.record({ kind: 'TimerFired', host, obs: host, token });
        rt.callLayer('onTimer', (l) => l.onTimer?.(token));
      });
    },
    sendControl: (msg) => rt.options.sink.control(msg),
    // Scanned first, so that a NIC write before this access is reported as the NIC's.
    word(addr) {
      rt.scanMemory();
      return rt.word(addr);
    },
    setWord: (addr, value) => rt.setWord(addr, value),
    now: () => {
      rt.chargeLayer();
      return rt.handlerT ?? rt.now();
    },
  });
}
