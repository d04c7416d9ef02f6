/**
 * replay: re-run a saved counterexample deterministically and say whether it still fails with a
 * byte-identical trace, now passes, or diverged (at which event, showing both events).
 */
import { sim } from '../../adapters/sim';
import { contain } from './contained/contain';
import { properties } from '../../properties';
import type { Adapter } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import { layers } from '../layers';
import type { Property, Verdict } from '../core/property';
import type { CounterexampleData } from '../core/results';
import { eventLine } from '../report/event-line';
import { loadTrace, parseTrace } from '../report/load';
import type { Scenario } from '../core/scenario';
import type { Trace, TraceEvent } from '../core/trace';
import { checkSafely } from '../core/safe-check';
import { withLayerFaults } from '../report/layer-faults';
import { regenerateScenario } from './regenerate';
import { sameData } from '../../properties/support/same';

/** Options of replay. */
export interface ReplayOptions {
  /** The layer to run (default: the reference layer the file names). Pass a fixed version here. */
  layer?: FailoverLayer;
  /** The adapter (default: sim() when the file was recorded on the simulator). */
  adapter?: Adapter;
  /** The property to judge with (default: the one the file names, from properties.all). */
  property?: Property;
  /**
   * Run the scenario regenerated from the counterexample's seed, path and recorded generator
   * instead of the one it stores; `regenerated` says whether the two are the same.
   */
  regenerate?: boolean;
  /**
   * Run with this liveness budget (virtual ns) instead of the scenario's: does the layer complete
   * what it left waiting when it gets more time? The trace then usually diverges at the end.
   */
  livenessNs?: number;
}

/** Where a replayed trace first differs from the recorded one. */
export interface Divergence {
  /** The first event index that differs. */
  index: number;
  /** The recorded event at `index` (undefined when the recorded trace is shorter). */
  expected?: TraceEvent;
  /** The replayed event at `index` (undefined when the new trace is shorter). */
  actual?: TraceEvent;
}

/**
 * The outcome of a replay. 'still-fails': the property is violated again and the trace is
 * identical. 'now-passes': the property holds. 'diverged': the run took another course and the
 * property is still violated or cannot tell. 'unknown': same trace, but the property cannot
 * judge it now (an additive fourth case: neither a pass nor the same failure).
 */
export interface ReplayResult {
  outcome: 'still-fails' | 'now-passes' | 'diverged' | 'unknown';
  verdict: Verdict;
  trace: Trace;
  divergence?: Divergence;
  /** The counterexample that was replayed (as loaded). */
  counterexample: CounterexampleData;
  /** With `regenerate`: whether seed + path + generator gave back exactly the stored scenario. */
  regenerated?: { identical: boolean };
  /** One human line (plus the two events on divergence), e.g. for the CLI. */
  summary: string;
}

/**
 * Re-runs a counterexample: a trace-file path, trace-file YAML text, or a Counterexample.
 * Throws (message starting "replay:") when the layer, adapter or property cannot be found.
 */
export async function replay(input: string | CounterexampleData, options: ReplayOptions = {}): Promise<ReplayResult> {
  const cx =
    typeof input === 'string'
      ? /^rdmacheck:/m.test(input)
        ? parseTrace(input, { api: 'replay' })
        : loadTrace(input)
      : input;
  const layer = options.layer ?? findReferenceLayer(cx.layer);
  if (layer === undefined) {
    throw new Error(`replay: "${cx.layer}" is not a reference layer; pass { layer } (CLI: --layer path/to/module)`);
  }
  // contain(): in a contained worker (rdmacheck replay of a module layer) the run is watched.
  const adapter = options.adapter ?? (cx.adapter === 'sim' ? contain(sim()) : undefined);
  if (adapter === undefined) {
    throw new Error(
      `replay: the counterexample was recorded on the "${cx.adapter}" adapter; pass { adapter } to replay it there`,
    );
  }
  const property = options.property ?? findProperty(cx.property);
  if (property === undefined) {
    throw new Error(
      `replay: unknown property "${cx.property}"; known: ${properties.all.map((p: Property) => p.name).join(', ')}`,
    );
  }
  const stored = options.regenerate ? regenerated(cx) : cx.scenario;
  const scenario =
    options.livenessNs === undefined
      ? stored
      : { ...stored, config: { ...stored.config, livenessNs: checkedLiveness(options.livenessNs) } };
  const execution = await adapter.run(scenario, layer);
  const verdict = withLayerFaults(await checkSafely(property, execution), execution.trace);
  const divergence = firstDivergence(cx.trace, execution.trace);
  const outcome: ReplayResult['outcome'] =
    verdict.status === 'holds'
      ? 'now-passes'
      : divergence !== undefined
        ? 'diverged'
        : verdict.status === 'violated'
          ? 'still-fails'
          : 'unknown';
  const result: ReplayResult = { outcome, verdict, trace: execution.trace, counterexample: cx, summary: '' };
  if (divergence !== undefined) result.divergence = divergence;
  if (options.regenerate) result.regenerated = { identical: canonical(stored) === canonical(cx.scenario) };
  result.summary = summarize(result, layer.name);
  return result;
}

/** A liveness budget a caller passed: a positive integer of nanoseconds. */
function checkedLiveness(ns: number): number {
  if (!Number.isSafeInteger(ns) || ns <= 0)
    throw new TypeError(
      `replay: livenessNs must be a positive integer of nanoseconds, e.g. 50_000_000 for 50 ms (got ${String(ns)})`,
    );
  return ns;
}

/** The scenario at the counterexample's seed and path; its failure message speaks as replay. */
function regenerated(cx: CounterexampleData): Scenario {
  try {
    return regenerateScenario(cx);
  } catch (e) {
    throw new Error(`replay: ${(e as Error).message.replace(/^regenerateScenario: /, '')}`);
  }
}

/** The reference layer whose name (kebab-case) or key (camelCase) is `name`. */
export function findReferenceLayer(name: string): FailoverLayer | undefined {
  const all = layers as Record<string, FailoverLayer>;
  return Object.values(all).find((l) => l.name === name) ?? all[camelCase(name)];
}

/** The generic property named `name`. */
export function findProperty(name: string): Property | undefined {
  return properties.all.find((p: Property) => p.name === name);
}

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The first index where the traces differ, comparing events field by field (key order aside).
 * `sameData` answers what comparing the two events' canonical JSON answers without building the
 * strings: the checker compares every counterexample's trace with two re-runs before reporting
 * it, and two canonical strings per event were most of that (issue 13: 2 ms of a shift hunt's
 * 6 ms after its first failure).
 */
export function firstDivergence(recorded: Trace, replayed: Trace): Divergence | undefined {
  const n = Math.max(recorded.length, replayed.length);
  for (let k = 0; k < n; k++) {
    const a = recorded[k];
    const b = replayed[k];
    if (a !== undefined && b !== undefined && sameData(a, b)) continue;
    const d: Divergence = { index: k };
    if (a !== undefined) d.expected = a;
    if (b !== undefined) d.actual = b;
    return d;
  }
  return undefined;
}

/** JSON with sorted keys and no undefined fields: equal strings mean equal events. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}

function summarize(r: ReplayResult, layerName: string): string {
  const outcome = summarizeOutcome(r, layerName);
  if (r.regenerated === undefined) return outcome;
  const cx = r.counterexample;
  const from = `scenario regenerated from seed ${cx.seed}, path "${cx.path}"${cx.generator === undefined ? " (no recorded generator: today's defaults)" : ''}`;
  return `${from}: ${r.regenerated.identical ? 'identical to the stored one' : 'DIFFERS from the stored one'}\n${outcome}`;
}

function summarizeOutcome(r: ReplayResult, layerName: string): string {
  const cx = r.counterexample;
  const events = `${r.trace.length} events`;
  switch (r.outcome) {
    case 'still-fails':
      return `still fails: ${cx.property} violated by ${layerName}, trace identical (${events})\n  ${(r.verdict as { explanation: string }).explanation}`;
    case 'now-passes':
      return `now passes: ${cx.property} holds for ${layerName} on this scenario${r.divergence ? ` (the run diverged at event ${r.divergence.index})` : ' (same trace)'}`;
    case 'unknown':
      return `unknown: same trace, but ${cx.property} cannot judge it: ${(r.verdict as { reason: string }).reason}`;
    case 'diverged': {
      const d = r.divergence as Divergence;
      const status =
        r.verdict.status === 'violated'
          ? `still violated: ${r.verdict.explanation}`
          : r.verdict.status === 'unknown'
            ? `unknown: ${r.verdict.reason}`
            : 'holds';
      return (
        `diverged at event ${d.index}: ${cx.property} ${status}\n` +
        `  recorded: ${d.expected === undefined ? '(the recorded trace ended here)' : eventLine(d.expected)}\n` +
        `  replayed: ${d.actual === undefined ? '(the new trace ended here)' : eventLine(d.actual)}`
      );
    }
  }
}
