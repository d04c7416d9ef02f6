/**
 * Replays a run's recorded observations into fresh layer instances whose LayerEnv answers from
 * the record (post results, memory values, the time of each observation), and reports the first
 * decision that differs from the recorded one. The env is the one LayerEnv contract
 * (src/core/env) on a transport that answers from the record, so its rules, copies and refusals
 * are the simulator's and the native host's: a difference is the layer's, never the env's. While it runs, Math.random, Date.now and
 * performance.now are replaced by fixed extremes, so a layer that consults them decides
 * differently from the record (decisions must be a function of observations alone).
 */
import type { ContractEnv } from '../../src/core/env/contract';
import { contractEnv } from '../../src/core/env/contract';
import { copyControl } from '../../src/core/env/rules';
import { badInstance } from '../../src/core/env/instance';
import type { Execution } from '../../src/core/execution';
import type { LayerInstance } from '../../src/core/layer';
import type { DecisionEvent, ObservationEvent } from '../../src/core/trace';
import { isDecision, isObservation } from '../../src/core/trace';
import type { LayerHost } from '../../src/core/verbs';
import { copyWc, copyWr } from '../../src/core/verbs';
import { canonical } from './history';
import { sameData } from './same';

type SetTimerEvent = Extract<DecisionEvent, { kind: 'SetTimer' }>;

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

/** The fields of each decision kind that make its action (what the layer chose), `t` and `kind` aside. */
const ACTION_FIELDS: Record<DecisionEvent['kind'], readonly string[]> = {
  Post: ['path', 'wr'],
  PostRecv: ['path', 'wr'],
  Reset: ['path', 'sqPsn', 'rqPsn'],
  MoveToError: ['path'],
  Deliver: ['wc', 'forWr'],
  SetTimer: ['delayNs', 'token'],
  SendControl: ['msg'],
  MemOp: ['op', 'addr', 'value', 'add', 'compare', 'swap', 'forWr'],
};

/** Action fields a decision may leave out, and the value they then have (a Reset's starting PSNs). */
const ACTION_DEFAULTS: Partial<Record<DecisionEvent['kind'], Record<string, unknown>>> = {
  Reset: { sqPsn: 0, rqPsn: 0 },
};

/** Field `f` of a decision of kind `kind`, its default when absent. */
function actionField(r: Record<string, unknown>, kind: DecisionEvent['kind'], f: string): unknown {
  const defaults = ACTION_DEFAULTS[kind];
  return defaults !== undefined && f in defaults ? (r[f] ?? defaults[f]) : r[f];
}

/** The action part of a decision (what the layer chose), without what the fabric answered. */
export function decisionAction(d: DecisionEvent | ReplayedDecision): string {
  const r = d as Record<string, unknown>;
  const action: Record<string, unknown> = { t: r.t, kind: d.kind };
  for (const f of ACTION_FIELDS[d.kind]) action[f] = actionField(r, d.kind, f);
  return canonical(action);
}

/** True when two decisions chose the same action: `decisionAction(a) === decisionAction(b)`, without the strings. */
export function sameAction(a: DecisionEvent | ReplayedDecision, b: DecisionEvent | ReplayedDecision): boolean {
  return sameActionAt(a, b, b.t);
}

/** sameAction of `a` and of `b` taken at time `t` (b's own `t` ignored): no copy of `b` needed. */
function sameActionAt(a: DecisionEvent | ReplayedDecision, b: { kind: string }, t: number): boolean {
  if (a.kind !== b.kind || !((a.t === t && typeof t !== 'bigint') || sameData(a.t, t))) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const defaults = ACTION_DEFAULTS[a.kind];
  const fields = ACTION_FIELDS[a.kind];
  for (let k = 0; k < fields.length; k++) {
    const f = fields[k];
    // actionField, with the common case (the same primitive or the same object) decided here:
    // a replay compares every decision of both hosts this way (issue 13).
    const u = defaults === undefined ? x[f] : actionField(x, a.kind, f);
    const v = defaults === undefined ? y[f] : actionField(y, a.kind, f);
    if (u === v && typeof u !== 'bigint') continue;
    if (!sameData(u, v)) return false;
  }
  return true;
}

/**
 * Replays `run` in one world; undefined when every decision of both hosts matches the record.
 * `seen.calls`, when given, receives how many times the layer consulted a clock or Math.random.
 */
export function replayRun(run: Execution, world: ReplayWorld, seen?: { calls: number }): ReplayDivergence | undefined {
  const recorded: Record<LayerHost, DecisionEvent[]> = { A: [], B: [] };
  for (const e of run.trace) if (isDecision(e) && (e.host === 'A' || e.host === 'B')) recorded[e.host].push(e);
  // How many decisions each host has made in the replay (the replayed decisions themselves are
  // copied only at a divergence: a replay of a run that agrees allocates none).
  const replayed: Record<LayerHost, number> = { A: 0, B: 0 };
  const calls = new Map<string, number>();
  let now = 0;
  let during: ObservationEvent | undefined;
  let divergence: ReplayDivergence | undefined;

  // While an idle firing the simulator folded is unfolded, its one decision (the re-arm) is
  // compared here, not with the record (which holds it once, after the chain's first firing).
  let unfolding: { host: LayerHost; expected: SetTimerEvent; seen: number } | undefined;
  const truncated = run.end.reason === 'event-limit' || run.end.reason === 'work-budget';
  // The replay's own work budget, as the run's (folded firings, unfolded here, are free there too).
  let steps = 0;
  const charge = (): void => {
    if (!unfolding && ++steps > run.config.maxLayerSteps) throw REPLAY_STOP;
  };

  const decide = (host: LayerHost, d: { kind: string } & Record<string, unknown>, t: number): void => {
    if (unfolding && unfolding.host === host) {
      const u = unfolding;
      const { delayNs, token } = u.expected;
      if (u.seen++ === 0 && d.kind === 'SetTimer' && d.delayNs === delayNs && d.token === token) return;
      if (!divergence) {
        const recorded = u.seen === 1 ? { ...u.expected, t } : undefined;
        const replayedDecision = { ...d, t } as ReplayedDecision;
        divergence = {
          host,
          position: replayed[host],
          recorded,
          replayed: replayedDecision,
          during,
          nondeterminism: [],
        };
      }
      return;
    }
    const k = replayed[host]++;
    const rec = recorded[host][k];
    // A run cut by the event limit or the work budget stopped in the middle of a callback:
    // decisions past the end of its record are not a divergence, and the replay stops there too
    // (a looping layer would loop here as well).
    if (!rec && truncated) throw REPLAY_STOP;
    if (!divergence && (!rec || !sameActionAt(rec, d, t))) {
      const replayedDecision = { ...d, t } as ReplayedDecision;
      divergence = { host, position: k, recorded: rec, replayed: replayedDecision, during, nondeterminism: [] };
    }
  };

  /** The recorded decision the next replayed one of `host` is compared with. */
  const next = (host: LayerHost): DecisionEvent | undefined => recorded[host][replayed[host]];
  /** What the fabric answered the recorded post: its refusal, or undefined when it was posted. */
  const refusal = (rec: DecisionEvent | undefined, kind: 'Post' | 'PostRecv'): string | undefined =>
    rec && rec.kind === kind && !rec.ok ? (rec.error ?? 'refused') : undefined;

  // The transport of a replay: the fabric's answers come from the record, and every decision
  // goes to decide(). LayerFaults are no decisions: the contract raised the same in the run.
  const envOf = (host: LayerHost): ContractEnv =>
    contractEnv({
      host,
      paths: run.config.paths,
      memoryWords: run.config.memoryWords,
      // The layer's own words too: a replay refusing them would report a layer that uses them as
      // nondeterministic (its first write to them a LayerFault here, a decision in the run).
      ...(run.config.layerMemoryWords ? { layerMemoryWords: run.config.layerMemoryWords } : {}),
      record: (e) => {
        charge();
        if (e.kind !== 'LayerFault') decide(host, e, now);
      },
      post: () => refusal(next(host), 'Post'),
      postRecv: () => refusal(next(host), 'PostRecv'),
      reset: () => undefined,
      moveToError: () => undefined,
      setTimer: () => undefined,
      sendControl: () => undefined,
      word: () => {
        const rec = next(host);
        return rec && rec.kind === 'MemOp' ? rec.old : 0;
      },
      setWord: () => undefined,
      now: () => {
        charge();
        return now;
      },
    });

  /** Feeds the idle firings folded into `e`: each must re-arm the timer, as the record says, and do nothing else. */
  const unfold = (inst: LayerInstance, e: Extract<ObservationEvent, { kind: 'TimerFired' }>): void => {
    const { count, everyNs } = e.repeats!;
    // The re-arm is recorded once, right after the chain's first firing (adapters/sim/idleTimers).
    const rearm = run.trace[e.i + 1];
    const base = rearm?.kind === 'SetTimer' ? rearm : undefined;
    const expected: SetTimerEvent = {
      kind: 'SetTimer',
      host: e.obs,
      delayNs: everyNs,
      token: e.token,
      i: base?.i ?? e.i,
      t: e.t,
    };
    for (let k = 1; k <= count && !divergence; k++) {
      now = e.t + k * everyNs;
      const { repeats: _folded, ...firing } = e;
      during = { ...firing, t: now };
      unfolding = { host: e.obs, expected, seen: 0 };
      try {
        inst.onTimer?.(e.token);
      } catch (err) {
        // As in the simulator: a throwing handler is a LayerFault, the run goes on.
        if (err === REPLAY_STOP) throw err;
      }
      const u = unfolding;
      unfolding = undefined;
      if (u.seen === 0 && !divergence)
        divergence = {
          host: e.obs,
          position: replayed[e.obs],
          recorded: { ...expected, t: now },
          during,
          nondeterminism: [],
        };
    }
  };

  let stopped = false;
  const restore = patchGlobals(WORLD_VALUES[world], (name) => calls.set(name, (calls.get(name) ?? 0) + 1));
  try {
    const envs: Record<LayerHost, ContractEnv> = { A: envOf('A'), B: envOf('B') };
    const instances: Partial<Record<LayerHost, LayerInstance>> = {};
    for (const host of ['A', 'B'] as const) {
      try {
        charge();
        const inst: unknown = run.layer.create(envs[host].env);
        if (badInstance(inst) === undefined) instances[host] = inst as LayerInstance;
      } catch (err) {
        // The simulator recorded the same throw as a LayerFault; the replay goes on likewise.
        if (err === REPLAY_STOP) stopped = true;
      }
    }
    for (const e of run.trace) {
      if (divergence || stopped) break;
      if (!isObservation(e)) continue;
      // The application's posts are facts of the run, whether or not the instance exists.
      if (e.kind === 'AppPostSend') envs[e.obs].appPostedSend(e.wr.id);
      else if (e.kind === 'AppPostRecv') envs[e.obs].appPostedRecv(e.wr.id);
      const inst = instances[e.obs];
      if (!inst) continue;
      now = e.t;
      during = e;
      try {
        charge();
        feed(inst, e);
      } catch (err) {
        // As in the simulator: a throwing handler is a LayerFault, the run goes on.
        if (err === REPLAY_STOP) stopped = true;
      }
      try {
        if (!stopped && e.kind === 'TimerFired' && e.repeats) unfold(inst, e);
      } catch {
        stopped = true; // only REPLAY_STOP leaves unfold()
      }
    }
  } finally {
    restore();
  }
  if (!divergence) {
    for (const host of ['A', 'B'] as const) {
      const k = replayed[host];
      if (k < recorded[host].length) {
        divergence = { host, position: k, recorded: recorded[host][k], during: undefined, nondeterminism: [] };
        break;
      }
    }
  }
  if (seen) seen.calls = [...calls.values()].reduce((a, b) => a + b, 0);
  if (divergence) divergence.nondeterminism = [...calls.entries()].map(([n, c]) => `${n} x${c}`);
  return divergence;
}

/** Thrown to unwind a replayed layer at the end of a truncated record or past the work budget. */
const REPLAY_STOP = new Error('rdmacheck replay: stopped');

/** Hands one recorded observation to an instance, as the simulator did (private copies). */
function feed(inst: LayerInstance, e: ObservationEvent): void {
  switch (e.kind) {
    case 'AppPostSend':
      return inst.postSend(copyWr(e.wr));
    case 'AppPostRecv':
      return inst.postRecv({ ...e.wr });
    case 'Completion':
      return inst.onCompletion(e.path, copyWc(e.wc));
    case 'PortEvent':
      return inst.onPortEvent?.(e.path, e.event);
    case 'TimerFired':
      return inst.onTimer?.(e.token);
    case 'ControlReceived':
      return inst.onControl?.(copyControl(e.msg));
  }
}

/** What the patched clocks and Math.random answer during a replay, and whom they tell. */
interface PatchedWorld {
  values: { random: number; dateNow: number; perfNow: number };
  count: (name: string) => void;
}

/**
 * The replay under way (undefined between replays). The patched functions below are created once
 * and read it: a fresh closure per replay, installed on Math, Date and performance, kept each
 * replay's whole run alive past its end (V8 held on to the replaced functions, and through their
 * context the trace and the instances), so every run's data was promoted to the old generation:
 * about 2 MB per scavenge, most of a completion-log audit's garbage collection time (issue 13).
 */
let patchedWorld: PatchedWorld | undefined;

const patchedRandom = (): number => {
  const w = patchedWorld!;
  w.count('Math.random()');
  return w.values.random;
};
const patchedDateNow = (): number => {
  const w = patchedWorld!;
  w.count('Date.now()');
  return w.values.dateNow;
};
const patchedPerfNow = (): number => {
  const w = patchedWorld!;
  w.count('performance.now()');
  return w.values.perfNow;
};

/**
 * Replaces the usual sources of nondeterminism by constants for the duration of a replay, and
 * counts their calls. The replay is synchronous, so nothing else runs while they are replaced.
 */
function patchGlobals(
  values: { random: number; dateNow: number; perfNow: number },
  count: (name: string) => void,
): () => void {
  const realRandom = Math.random;
  const realDateNow = Date.now;
  const perf = (globalThis as { performance?: { now: () => number } }).performance;
  const realPerfNow = perf?.now;
  const outer = patchedWorld;
  patchedWorld = { values, count };
  Math.random = patchedRandom;
  Date.now = patchedDateNow;
  if (perf && realPerfNow) {
    try {
      perf.now = patchedPerfNow;
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
    patchedWorld = outer;
  };
}
