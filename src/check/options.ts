/** checkLayer's options, their defaults, and their validation (errors say what to do). */
import type { Adapter } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import type { Property } from '../core/property';
import type { Opcode } from '../core/verbs';
import { OPCODES } from '../core/verbs';

/** Options of checkLayer (DESIGN.md), plus the limits of the search. */
export interface CheckOptions {
  /** The fabric (default: the simulator, `sim()`). */
  adapter?: Adapter;
  /** The properties to check (default `properties.all`). */
  properties?: readonly Property[];
  /** Op classes to audit, one column each (default: all six). */
  opcodes?: readonly Opcode[];
  /** Generated scenarios per op class (default 200). */
  numRuns?: number;
  /** fast-check seed (default 1: the same audit every time; pass another to explore further). */
  seed?: number;
  /** Time budget of one property over one op class, searching (default 60,000 ms); then `unknown`. */
  timeLimitMs?: number;
  /** Time budget of shrinking one counterexample (default 20,000 ms); the last failing case is kept. */
  shrinkTimeLimitMs?: number;
  /** Event limit of every run (scenario config maxEvents, default 20,000); a run over it is `unknown`. */
  maxEvents?: number;
  /** Most application posts per scenario (default 4). */
  maxOps?: number;
  /** Most faults per scenario (default 3). */
  maxFaults?: number;
  /** Most paths per scenario (default 2: a primary and a backup). */
  maxPaths?: number;
  /** Called after every generated run. */
  onProgress?: (p: { runs: number; failures: number }) => void;
}

/** The options with every default filled in. */
export interface ResolvedCheckOptions {
  adapter?: Adapter;
  properties?: readonly Property[];
  opcodes: readonly Opcode[];
  numRuns: number;
  seed: number;
  timeLimitMs: number;
  shrinkTimeLimitMs: number;
  maxEvents: number;
  maxOps: number;
  maxFaults: number;
  maxPaths: number;
  onProgress?: (p: { runs: number; failures: number }) => void;
}

/** The default seed: audits are reproducible unless the caller asks for another seed. */
export const DEFAULT_SEED = 1;

/** Checks the arguments of checkLayer and fills in the defaults; throws a TypeError naming the fix. */
export function resolveCheckOptions(layer: FailoverLayer, options: CheckOptions = {}): ResolvedCheckOptions {
  const fail = (msg: string): never => {
    throw new TypeError(`checkLayer: ${msg}`);
  };
  if (!layer || typeof layer !== 'object' || typeof layer.create !== 'function') fail('layer must be a FailoverLayer (an object with name and create(env))');
  if (typeof layer.name !== 'string' || layer.name === '') fail('layer.name must be a non-empty string');
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const positiveInt = (key: keyof CheckOptions, fallback: number): number => {
    const v = options[key];
    if (v === undefined) return fallback;
    if (!Number.isSafeInteger(v) || (v as number) <= 0) fail(`${key} must be a positive integer (got ${String(v)})`);
    return v as number;
  };
  const nonNegativeInt = (key: keyof CheckOptions, fallback: number): number => {
    const v = options[key];
    if (v === undefined) return fallback;
    if (!Number.isSafeInteger(v) || (v as number) < 0) fail(`${key} must be a non-negative integer (got ${String(v)})`);
    return v as number;
  };
  const opcodes = options.opcodes ?? OPCODES;
  if (!Array.isArray(opcodes) || opcodes.length === 0) fail(`opcodes must be a non-empty list of op classes (${OPCODES.join(', ')})`);
  for (const op of opcodes) if (!OPCODES.includes(op)) fail(`opcodes: "${String(op)}" is not an opcode (${OPCODES.join(', ')})`);
  if (options.properties !== undefined) {
    if (!Array.isArray(options.properties) || options.properties.length === 0) fail('properties must be a non-empty list of Property (e.g. properties.all)');
    for (const p of options.properties) {
      if (!p || typeof p.name !== 'string' || typeof p.check !== 'function') fail('properties: every entry must be a Property ({ name, check(run) })');
    }
  }
  if (options.adapter !== undefined && (typeof options.adapter.run !== 'function' || typeof options.adapter.name !== 'string')) {
    fail('adapter must be an Adapter (e.g. sim() from rdmacheck)');
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) fail(`seed must be an integer (got ${String(options.seed)})`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') fail('onProgress must be a function');
  const maxEvents = positiveInt('maxEvents', 20_000);
  if (options.maxPaths !== undefined && positiveInt('maxPaths', 2) < 2) fail(`maxPaths must be at least 2, so that there is a backup path (got ${options.maxPaths})`);
  if (maxEvents < 10) fail(`maxEvents must be at least 10 (got ${maxEvents})`);
  return {
    adapter: options.adapter,
    properties: options.properties,
    opcodes: [...new Set(opcodes)],
    numRuns: positiveInt('numRuns', 200),
    seed: options.seed ?? DEFAULT_SEED,
    timeLimitMs: positiveInt('timeLimitMs', 60_000),
    shrinkTimeLimitMs: nonNegativeInt('shrinkTimeLimitMs', 20_000),
    maxEvents,
    maxOps: positiveInt('maxOps', 4),
    maxFaults: nonNegativeInt('maxFaults', 3),
    maxPaths: positiveInt('maxPaths', 2),
    onProgress: options.onProgress,
  };
}
