/**
 * The domain shrinker: the smaller scenarios to try when one fails, most reducing first. Remove
 * a fault, remove a workload step, move a fault earlier, reduce values and paths, simplify the
 * config. fast-check keeps the first candidate that still fails and shrinks it again, so the
 * final counterexample is 1-minimal for these moves: removing any single step or fault passes.
 */
import type { Anchor, Fault, Scenario, SimConfig, WorkloadStep } from '../core/scenario';
import { DEFAULT_CONFIG } from '../core/scenario';

/** Every one-step-smaller variant of `s`, lazily. */
export function* shrinkScenario(s: Scenario): IterableIterator<Scenario> {
  for (let k = 0; k < s.faults.length; k++) yield { ...s, faults: without(s.faults, k) };
  for (let k = 0; k < s.workload.length; k++) yield { ...s, workload: without(s.workload, k) };
  yield* fewerPaths(s);
  for (let k = 0; k < s.faults.length; k++) {
    for (const f of simplerFault(s.faults[k])) yield { ...s, faults: replaced(s.faults, k, f) };
  }
  for (let k = 0; k < s.workload.length; k++) {
    for (const w of simplerStep(s.workload[k])) yield { ...s, workload: replaced(s.workload, k, w) };
  }
  yield* simplerConfig(s);
  const renumbered = renumber(s);
  if (renumbered) yield renumbered;
}

/**
 * The same scenario with WR and RECV ids 1, 2, 3... in posting order (removals leave gaps), so
 * that a counterexample reads like the paper: "WR 1". Only for A's posts and B's RECVs, which
 * is what the arbitraries generate; undefined when already numbered or when B posts.
 */
function renumber(s: Scenario): Scenario | undefined {
  const posts = s.workload.filter((w) => w.kind === 'post');
  const recvs = s.workload.filter((w) => w.kind === 'recv');
  if (posts.some((w) => (w.host ?? 'A') !== 'A') || recvs.some((w) => (w.host ?? 'B') !== 'B')) return undefined;
  if (JSON.stringify([s.workload, s.faults]).includes('"host":"B"')) return undefined;
  const wrIds = new Map(posts.map((w, k) => [(w as { wr: { id: number } }).wr.id, k + 1]));
  const recvIds = new Map(recvs.map((w, k) => [(w as { wr: { id: number } }).wr.id, k + 1]));
  if ([...wrIds].every(([a, b]) => a === b) && [...recvIds].every(([a, b]) => a === b)) return undefined;
  // A reference to a WR that no longer exists keeps an id no post has, so it stays dormant.
  const spare = posts.length + 1;
  const wrOf = (id: number) => wrIds.get(id) ?? spare;
  const anchor = (a: Anchor): Anchor => ('wr' in a ? { ...a, wr: wrOf(a.wr) } : a);
  const workload = s.workload.map((w): WorkloadStep => {
    const after = w.after ? { after: anchor(w.after) } : {};
    if (w.kind === 'post') return { ...w, wr: { ...w.wr, id: wrOf(w.wr.id) }, ...after };
    if (w.kind === 'recv') return { ...w, wr: { id: recvIds.get(w.wr.id)! }, ...after };
    return { ...w, ...after };
  });
  const faults = s.faults.map((f): Fault => {
    const g = { ...f } as Fault & { wr?: number; after?: Anchor };
    if (g.wr !== undefined) g.wr = wrOf(g.wr);
    if (g.after) g.after = anchor(g.after);
    return g;
  });
  return { ...s, workload, faults };
}

function without<T>(xs: T[], k: number): T[] {
  return [...xs.slice(0, k), ...xs.slice(k + 1)];
}

function replaced<T>(xs: T[], k: number, x: T): T[] {
  return [...xs.slice(0, k), x, ...xs.slice(k + 1)];
}

/**
 * Smaller integers toward `target`: the target itself, then ever closer to `x` by halving the
 * distance (as fast-check's integer shrinker does), so that a threshold is found in log steps.
 */
function* smaller(x: number | undefined, target: number): IterableIterator<number> {
  if (x === undefined || x <= target) return;
  yield target;
  for (let d = Math.floor((x - target) / 2); d >= 1; d = Math.floor(d / 2)) yield x - d;
}

/** An anchor that fires earlier: fewer repetitions, an earlier event of the same WR, the start. */
function* earlierAnchor(a: Anchor): IterableIterator<Anchor> {
  if (a.on === 'start') return;
  if (a.on === 'at') {
    yield { on: 'start' };
    for (const t of smaller(a.atNs, 0)) if (t > 0) yield { on: 'at', atNs: t };
    return;
  }
  yield { on: 'start' };
  const order: Anchor['on'][] = ['post', 'send', 'execute', 'deliver'];
  const k = order.indexOf(a.on);
  for (let j = 0; j < k; j++) yield { ...a, on: order[j] as 'post' } as Anchor;
  if ((a.nth ?? 1) > 1) yield withoutKey({ ...a }, 'nth');
  if (a.path !== undefined) yield withoutKey({ ...a }, 'path');
}

function withoutKey<T extends object, K extends keyof T>(o: T, key: K): T {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

/** Smaller forms of one fault: earlier, fewer matches, shorter delays and outages. */
function* simplerFault(f: Fault): IterableIterator<Fault> {
  switch (f.kind) {
    case 'drop-request':
    case 'drop-response':
    case 'delay':
      // An earlier WR: a fault drawn local to a later WR (arbitraries.ts) may hit the first as well,
      // and then the WRs posted before the one it named can go.
      if (f.wr !== undefined && f.wr > 1) yield { ...f, wr: f.wr - 1 };
      for (const n of smaller(f.nth, 1)) yield n === 1 ? withoutKey(f, 'nth') : { ...f, nth: n };
      if (typeof f.count === 'number') for (const c of smaller(f.count, 1)) yield { ...f, count: c };
      if (f.kind === 'delay') for (const d of smaller(f.delayNs, 1_000)) yield { ...f, delayNs: d };
      return;
    case 'link-down':
      for (const a of earlierAnchor(f.after)) yield { ...f, after: a };
      if (f.direction === 'both') {
        yield { ...f, direction: 'a-to-b' };
        yield { ...f, direction: 'b-to-a' };
      }
      for (const t of smaller(f.upAfterNs, 1_000)) yield { ...f, upAfterNs: t };
      return;
    case 'nic-death':
      for (const a of earlierAnchor(f.after)) yield { ...f, after: a };
      for (const t of smaller(f.reviveAfterNs, 1_000)) yield { ...f, reviveAfterNs: t };
      return;
    case 'qp-error':
      for (const a of earlierAnchor(f.after)) yield { ...f, after: a };
      return;
    case 'control-loss':
      for (const a of earlierAnchor(f.after)) yield { ...f, after: a };
      for (const t of smaller(f.restoreAfterNs, 1_000)) yield { ...f, restoreAfterNs: t };
      return;
    case 'corrupt-wqe':
      for (const n of smaller(f.nth, 1)) yield n === 1 ? withoutKey(f, 'nth') : { ...f, nth: n };
      return;
    case 'pause':
      for (const a of earlierAnchor(f.after)) yield { ...f, after: a };
      for (const t of smaller(f.durationNs, 1_000)) yield { ...f, durationNs: t };
      return;
  }
}

/** Smaller forms of one step: unanchored or anchored earlier, smaller values. */
function* simplerStep(w: WorkloadStep): IterableIterator<WorkloadStep> {
  if (w.after) {
    yield withoutKey(w, 'after');
    for (const a of earlierAnchor(w.after)) if (a.on !== 'start') yield { ...w, after: a };
  }
  if (w.kind === 'post') {
    const wr = w.wr;
    if (wr.signaled === false) yield { ...w, wr: withoutKey(wr, 'signaled') };
    if (wr.opcode === 'SEND') return; // SEND payloads identify their messages: keep them distinct.
    for (const v of smaller(wr.value, 1)) yield { ...w, wr: { ...wr, value: v } };
    for (const v of smaller(wr.add, 1)) yield { ...w, wr: { ...wr, add: v } };
    for (const v of smaller(wr.compare, 0)) yield { ...w, wr: { ...wr, compare: v } };
    for (const v of smaller(wr.swap, 1)) yield { ...w, wr: { ...wr, swap: v } };
  } else if (w.kind === 'third') {
    for (const v of smaller(w.value, 0)) yield { ...w, value: v };
    for (const v of smaller(w.add, 1)) yield { ...w, add: v };
    for (const v of smaller(w.compare, 0)) yield { ...w, compare: v };
    for (const v of smaller(w.swap, 0)) yield { ...w, swap: v };
  }
}

/** One path fewer, when no fault or anchor names the last path (at least two stay). */
function* fewerPaths(s: Scenario): IterableIterator<Scenario> {
  const paths = s.config?.paths ?? DEFAULT_CONFIG.paths;
  if (paths <= 2) return;
  const last = paths - 1;
  const json = JSON.stringify([s.faults, s.workload]);
  if (json.includes(`"path":${last}`)) return;
  yield { ...s, config: { ...s.config, paths: paths - 1 } };
}

/** Fewer retries, shorter timers: shorter traces. */
function* simplerConfig(s: Scenario): IterableIterator<Scenario> {
  const c: Partial<SimConfig> = s.config ?? {};
  for (const key of ['retryCnt', 'timeout', 'rnrRetry'] as const) {
    for (const v of smaller(c[key], key === 'timeout' ? 1 : 0)) yield { ...s, config: { ...c, [key]: v } };
  }
}
