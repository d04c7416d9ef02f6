/**
 * Replays a run's recorded observations into fresh layer instances whose LayerEnv answers from
 * the record (post results, memory values, the time of each observation), and reports the first
 * decision that differs from the recorded one. While it runs, Math.random, Date.now and
 * performance.now are replaced by fixed extremes, so a layer that consults them decides
 * differently from the record (decisions must be a function of observations alone).
 */
import type { Execution } from '../../src/core/execution';
import type { LayerEnv, LayerInstance, LocalMemory } from '../../src/core/layer';
import type { DecisionEvent, ObservationEvent } from '../../src/core/trace';
import { decisions, isObservation } from '../../src/core/trace';
import type { LayerHost, PostResult, RecvWr, SendWr, WorkCompletion } from '../../src/core/verbs';
import { canonical } from './history';

/** A decision made during the replay (a DecisionEvent without index, host and results). */
export type ReplayedDecision = { t: number; kind: DecisionEvent['kind'] } & Record<string, unknown>;

/** The first difference between the record and the replay. */
export interface ReplayDivergence {
  host: LayerHost;
  /** Position in that host's decision list. */
  position: number;
  recorded?: DecisionEvent;
  replayed?: ReplayedDecision;
  /** The observation being handled when the replay diverged (undefined: during create()). */
  during?: ObservationEvent;
  /** Sources of nondeterminism the layer called during the replay, e.g. "Math.random() x3". */
  nondeterminism: string[];
}

/** The two fixed worlds a replay runs in: every clock and random source at one extreme. */
export type ReplayWorld = 'low' | 'high';

const WORLD_VALUES: Record<ReplayWorld, { random: number; dateNow: number; perfNow: number }> = {
  low: { random: 0, dateNow: 0, perfNow: 0 },
  // An odd millisecond in 2100 and a large odd-ish monotonic time: parity and thresholds flip.
  high: { random: 0.9999999, dateNow: 4_102_444_800_001, perfNow: 987_654_321.123 },
};

/** The action part of a decision (what the layer chose), without what the fabric answered. */
export function decisionAction(d: DecisionEvent | ReplayedDecision): string {
  const r = d as Record<string, unknown>;
  switch (d.kind) {
    case 'Post':
    case 'PostRecv':
      return canonical({ t: r.t, kind: d.kind, path: r.path, wr: r.wr });
    case 'Reset':
      return canonical({ t: r.t, kind: d.kind, path: r.path });
    case 'Deliver':
      return canonical({ t: r.t, kind: d.kind, wc: r.wc });
    case 'SetTimer':
      return canonical({ t: r.t, kind: d.kind, delayNs: r.delayNs, token: r.token });
    case 'SendControl':
      return canonical({ t: r.t, kind: d.kind, msg: r.msg });
    case 'MemOp':
      return canonical({ t: r.t, kind: d.kind, op: r.op, addr: r.addr, value: r.value, add: r.add, compare: r.compare, swap: r.swap, forWr: r.forWr });
  }
}

/** Replays `run` in one world; undefined when every decision of both hosts matches the record. */
export function replayRun(run: Execution, world: ReplayWorld): ReplayDivergence | undefined {
  const recorded: Record<LayerHost, DecisionEvent[]> = { A: decisions(run.trace, 'A'), B: decisions(run.trace, 'B') };
  const replayed: Record<LayerHost, ReplayedDecision[]> = { A: [], B: [] };
  const calls = new Map<string, number>();
  let now = 0;
  let during: ObservationEvent | undefined;
  let divergence: ReplayDivergence | undefined;

  const decide = (host: LayerHost, d: ReplayedDecision): DecisionEvent | undefined => {
    const k = replayed[host].length;
    replayed[host].push(d);
    const rec = recorded[host][k];
    // A run cut by the event limit stopped in the middle of a callback: decisions past the end
    // of its record are not a divergence (the property then says unknown, never holds).
    if (!rec && run.end.reason === 'event-limit') return undefined;
    if (!divergence && (!rec || decisionAction(rec) !== decisionAction(d))) {
      divergence = { host, position: k, recorded: rec, replayed: d, during, nondeterminism: [] };
    }
    return rec && rec.kind === d.kind ? rec : undefined;
  };

  const envOf = (host: LayerHost): LayerEnv => {
    const paths = run.config.paths;
    const validPath = (p: number) => Number.isInteger(p) && p >= 0 && p < paths;
    const validAddr = (a: number) => Number.isInteger(a) && a >= 0 && a < run.config.memoryWords;
    const result = (rec: DecisionEvent | undefined): PostResult =>
      rec && (rec.kind === 'Post' || rec.kind === 'PostRecv') && !rec.ok ? { ok: false, error: rec.error ?? 'refused' } : { ok: true };
    const oldOf = (rec: DecisionEvent | undefined) => (rec && rec.kind === 'MemOp' ? rec.old : 0);
    const memory: LocalMemory = {
      read: (addr) => (validAddr(addr) ? oldOf(decide(host, { t: now, kind: 'MemOp', op: 'read', addr })) : 0),
      write: (addr, value, o) => {
        if (validAddr(addr)) decide(host, { t: now, kind: 'MemOp', op: 'write', addr, value, forWr: o?.forWr });
      },
      fetchAdd: (addr, add, o) => (validAddr(addr) ? oldOf(decide(host, { t: now, kind: 'MemOp', op: 'fetchAdd', addr, add, forWr: o?.forWr })) : 0),
      cmpSwap: (addr, compare, swap, o) =>
        validAddr(addr) ? oldOf(decide(host, { t: now, kind: 'MemOp', op: 'cmpSwap', addr, compare, swap, forWr: o?.forWr })) : 0,
    };
    return {
      host,
      paths,
      memoryWords: run.config.memoryWords,
      post: (path: number, wr: SendWr) => result(decide(host, { t: now, kind: 'Post', path, wr: copy(wr) })),
      postRecv: (path: number, wr: RecvWr) => result(decide(host, { t: now, kind: 'PostRecv', path, wr: copy(wr) })),
      reset: (path: number) => {
        if (validPath(path)) decide(host, { t: now, kind: 'Reset', path });
      },
      deliver: (wc: WorkCompletion) => {
        decide(host, { t: now, kind: 'Deliver', wc: copy(wc) });
      },
      setTimer: (delayNs: number, token: string) => {
        if (Number.isFinite(delayNs) && delayNs >= 0 && typeof token === 'string') decide(host, { t: now, kind: 'SetTimer', delayNs, token });
      },
      sendControl: (msg: unknown) => {
        let m: unknown;
        try {
          m = JSON.parse(JSON.stringify(msg ?? null));
        } catch {
          return;
        }
        decide(host, { t: now, kind: 'SendControl', msg: m });
      },
      memory,
      now: () => now,
    };
  };

  const restore = patchGlobals(WORLD_VALUES[world], (name) => calls.set(name, (calls.get(name) ?? 0) + 1));
  try {
    const instances: Partial<Record<LayerHost, LayerInstance>> = {};
    for (const host of ['A', 'B'] as const) {
      try {
        instances[host] = run.layer.create(envOf(host));
      } catch {
        // The simulator recorded the same throw as a LayerFault; the replay goes on likewise.
      }
    }
    for (const e of run.trace) {
      if (divergence) break;
      if (!isObservation(e)) continue;
      const inst = instances[e.obs];
      if (!inst) continue;
      now = e.t;
      during = e;
      try {
        feed(inst, e);
      } catch {
        // As in the simulator: a throwing handler is a LayerFault, the run goes on.
      }
    }
  } finally {
    restore();
  }
  if (!divergence) {
    for (const host of ['A', 'B'] as const) {
      const k = replayed[host].length;
      if (k < recorded[host].length) {
        divergence = { host, position: k, recorded: recorded[host][k], during: undefined, nondeterminism: [] };
        break;
      }
    }
  }
  if (divergence) divergence.nondeterminism = [...calls.entries()].map(([n, c]) => `${n} x${c}`);
  return divergence;
}

/** Hands one recorded observation to an instance, as the simulator did. */
function feed(inst: LayerInstance, e: ObservationEvent): void {
  switch (e.kind) {
    case 'AppPostSend':
      return inst.postSend(copy(e.wr));
    case 'AppPostRecv':
      return inst.postRecv(copy(e.wr));
    case 'Completion':
      return inst.onCompletion(e.path, copy(e.wc));
    case 'PortEvent':
      return inst.onPortEvent?.(e.path, e.event);
    case 'TimerFired':
      return inst.onTimer?.(e.token);
    case 'ControlReceived':
      return inst.onControl?.(copy(e.msg));
  }
}

function copy<T>(x: T): T {
  return x === undefined ? x : (JSON.parse(JSON.stringify(x)) as T);
}

/**
 * Replaces the usual sources of nondeterminism by constants for the duration of a replay, and
 * counts their calls. The replay is synchronous, so nothing else runs while they are replaced.
 */
function patchGlobals(values: { random: number; dateNow: number; perfNow: number }, count: (name: string) => void): () => void {
  const realRandom = Math.random;
  const realDateNow = Date.now;
  const perf = (globalThis as { performance?: { now: () => number } }).performance;
  const realPerfNow = perf?.now;
  Math.random = () => {
    count('Math.random()');
    return values.random;
  };
  Date.now = () => {
    count('Date.now()');
    return values.dateNow;
  };
  if (perf && realPerfNow) {
    try {
      perf.now = () => {
        count('performance.now()');
        return values.perfNow;
      };
    } catch {
      // A read-only performance object: leave it.
    }
  }
  return () => {
    Math.random = realRandom;
    Date.now = realDateNow;
    if (perf && realPerfNow) {
      try {
        perf.now = realPerfNow;
      } catch {
        // unchanged above
      }
    }
  };
}
