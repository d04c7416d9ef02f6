/**
 * verifyLayer: exhaustive small-scope verification. For each op class, every scenario of the
 * canonical bounded space (space.ts, docs/verify.md) runs, smallest first, and every property
 * still undecided judges it; the first violation of a property is its counterexample, minimal in
 * (posts, faults) by construction. A time limit ends the walk with `complete: false` and the
 * undecided properties `unknown`, saying how far it got: never a silent pass.
 */
import { sim } from '../../../adapters/sim';
import { contain } from '../contained/contain';
import { properties as allProperties } from '../../../properties';
import type { Adapter } from '../../core/execution';
import type { FailoverLayer } from '../../core/layer';
import type { Property } from '../../core/property';
import type { Counterexample, PropertyResult, Report } from '../../core/results';
import { checkSafely } from '../../core/safe-check';
import { describeError } from '../../core/errors';
import type { Opcode } from '../../core/verbs';
import { OPCODES } from '../../core/verbs';
import { buildCounterexample } from '../counterexample';
import { execute, nowMs } from '../execute';
import { enumerate, spaceSize } from './space';
import type { SpaceBounds } from './space';

/** Options of verifyLayer. */
export interface VerifyOptions {
  /** Most application posts per scenario (default 1). */
  maxOps?: number;
  /** Most faults per scenario (default 1). */
  maxFaults?: number;
  /** Op classes, one column each (default all six). */
  opcodes?: readonly Opcode[];
  /** Wall-clock budget of the whole walk in milliseconds (default 60 s); then `unknown`. */
  timeLimitMs?: number;
  /** Include the receiver's consume-and-reuse step (default true). */
  reuse?: boolean;
  /** Include the third-party operation (default true). */
  thirdParty?: boolean;
  adapter?: Adapter;
  properties?: readonly Property[];
  /** Called every 100 scenarios. */
  onProgress?: (p: { scenarios: number; space: number }) => void;
}

/** What verifyLayer resolves to: a Report (same renderers) plus the walk's extent. */
export interface VerifyResult extends Report {
  /** True when every scenario of the space was checked (or every property was decided). */
  complete: boolean;
  /** Scenarios checked. */
  scenarios: number;
  /** Scenarios in the space (the formula of docs/verify.md), summed over the op classes. */
  space: number;
  elapsedMs: number;
  scenariosPerSecond: number;
  bounds: Required<Pick<VerifyOptions, 'maxOps' | 'maxFaults' | 'reuse' | 'thirdParty'>> & { opcodes: Opcode[] };
}

/** Default bounds: the smallest space that holds the paper's T1 and T2. */
export const VERIFY_DEFAULTS = { maxOps: 1, maxFaults: 1, timeLimitMs: 60_000 } as const;

/** Checks every scenario of the bounded space against every property; see the file comment. */
export async function verifyLayer(layer: FailoverLayer, options: VerifyOptions = {}): Promise<VerifyResult> {
  const bounds = resolveVerifyOptions(layer, options);
  // contain(): in a contained worker (rdmacheck verify of a module layer) every run is watched.
  const adapter = contain(options.adapter ?? sim());
  const props = options.properties ?? allProperties.all;
  const timeLimitMs = options.timeLimitMs ?? VERIFY_DEFAULTS.timeLimitMs;
  const started = nowMs();
  const deadline = started + timeLimitMs;
  const results: PropertyResult[] = [];
  let scenarios = 0;
  let space = 0;
  let complete = true;
  for (const opcode of bounds.opcodes) {
    const column: SpaceBounds = { ...bounds, opcodes: [opcode] };
    const size = spaceSize(column);
    space += size;
    const found = new Map<string, { counterexample: Counterexample; at: number }>();
    const unknown = new Map<string, string>();
    let checked = 0;
    let lastDone = ''; // the largest (posts, faults) layer walked completely
    let layerKey = '';
    let timedOut = false;
    for (const point of enumerate(column)) {
      if (found.size + unknown.size === props.length) break; // every property decided
      if (nowMs() > deadline) {
        timedOut = true;
        break;
      }
      const key = `${point.ops} post${point.ops === 1 ? '' : 's'} and ${point.faults} fault${point.faults === 1 ? '' : 's'}`;
      if (key !== layerKey) {
        lastDone = layerKey;
        layerKey = key;
      }
      checked++;
      scenarios++;
      if (scenarios % 100 === 0) options.onProgress?.({ scenarios, space });
      let run;
      try {
        run = await execute(adapter, point.scenario, layer);
      } catch (err) {
        for (const p of props)
          if (!found.has(p.name) && !unknown.has(p.name))
            unknown.set(
              p.name,
              `the ${adapter.name} adapter could not run scenario ${point.index} (${describeError(err)})`,
            );
        continue;
      }
      for (const p of props) {
        if (found.has(p.name) || unknown.has(p.name)) continue;
        const v = await checkSafely(p, run);
        if (v.status === 'violated') {
          const counterexample = buildCounterexample({
            property: p.name,
            verdict: v,
            execution: run,
            seed: 0,
            // Not a fast-check case: the path names the scenario's place in the walk.
            path: `verify:${point.index}`,
            opcode,
          });
          found.set(p.name, { counterexample, at: checked });
        } else if (v.status === 'unknown') unknown.set(p.name, `scenario ${point.index}: ${v.reason}`);
      }
    }
    if (timedOut) complete = false;
    for (const p of props) {
      const f = found.get(p.name);
      if (f !== undefined)
        results.push({ property: p.name, opcode, status: 'violated', runs: f.at, counterexample: f.counterexample });
      else if (unknown.has(p.name))
        results.push({ property: p.name, opcode, status: 'unknown', runs: checked, reason: unknown.get(p.name) });
      else if (timedOut)
        results.push({
          property: p.name,
          opcode,
          status: 'unknown',
          runs: checked,
          reason:
            `time limit of ${timeLimitMs} ms reached after ${checked} of ${size} scenarios` +
            (lastDone === '' ? '' : `; every scenario up to ${lastDone} holds`),
        });
      else results.push({ property: p.name, opcode, status: 'holds', runs: checked });
    }
  }
  const elapsedMs = nowMs() - started;
  const overall = props.map((p) =>
    combine(
      p.name,
      results.filter((r) => r.property === p.name),
    ),
  );
  return {
    layer: layer.name,
    adapter: adapter.name,
    seed: 0,
    ok: overall.every((r) => r.status !== 'violated'),
    results: [...overall, ...results],
    complete,
    scenarios,
    space,
    elapsedMs,
    scenariosPerSecond: elapsedMs > 0 ? Math.round((scenarios * 1000) / elapsedMs) : scenarios,
    bounds,
  };
}

/** One sentence: how the walk ended. */
export function verifySummary(r: VerifyResult): string {
  const b = r.bounds;
  const within = `within ${b.maxOps} post${b.maxOps === 1 ? '' : 's'} and ${b.maxFaults} fault${b.maxFaults === 1 ? '' : 's'}`;
  const speed = `(${r.scenarios} of ${r.space} scenarios, ${r.scenariosPerSecond} scenarios/s)`;
  if (!r.ok) {
    const bad = r.results.filter((x) => x.opcode === undefined && x.status === 'violated').map((x) => x.property);
    return `${bad.join(', ')} violated ${within}: the smallest counterexample of each is below ${speed}`;
  }
  if (!r.complete) return `unknown: the time limit ended the walk ${speed}; raise the time limit or lower the bounds`;
  if (r.results.some((x) => x.status === 'unknown')) return `unknown: some scenarios were inconclusive ${speed}`;
  return `${r.scenarios} scenarios, every property holds ${within} ${speed}`;
}

function resolveVerifyOptions(layer: FailoverLayer, o: VerifyOptions): VerifyResult['bounds'] {
  const fail = (msg: string): never => {
    throw new TypeError(`verifyLayer: ${msg}`);
  };
  if (!layer || typeof layer.create !== 'function')
    fail('layer must be a FailoverLayer (an object with name and create(env))');
  const int = (key: 'maxOps' | 'maxFaults' | 'timeLimitMs', min: number, fallback: number): number => {
    const v = o[key];
    if (v === undefined) return fallback;
    if (!Number.isSafeInteger(v) || v < min) fail(`${key} must be an integer >= ${min} (got ${String(v)})`);
    return v;
  };
  int('timeLimitMs', 1, VERIFY_DEFAULTS.timeLimitMs);
  const opcodes = o.opcodes ?? OPCODES;
  if (!Array.isArray(opcodes) || opcodes.length === 0 || opcodes.some((op) => !OPCODES.includes(op)))
    fail(`opcodes must be a non-empty list of op classes (${OPCODES.join(', ')})`);
  return {
    maxOps: int('maxOps', 1, VERIFY_DEFAULTS.maxOps),
    maxFaults: int('maxFaults', 0, VERIFY_DEFAULTS.maxFaults),
    opcodes: [...new Set(opcodes)],
    reuse: o.reuse ?? true,
    thirdParty: o.thirdParty ?? true,
  };
}

/** A property over every column: violated if any is, unknown if any is, else holds. */
function combine(property: string, cells: PropertyResult[]): PropertyResult {
  const runs = cells.reduce((n, c) => n + c.runs, 0);
  const violated = cells.find((c) => c.status === 'violated');
  if (violated) return { property, status: 'violated', runs, counterexample: violated.counterexample };
  const unknown = cells.find((c) => c.status === 'unknown');
  if (unknown) return { property, status: 'unknown', runs, reason: `${unknown.opcode}: ${unknown.reason}` };
  return { property, status: 'holds', runs };
}
