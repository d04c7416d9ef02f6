/** checkLayer's options, their defaults, and their validation (errors say what to do). */
import type { Adapter } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import { carriedOpcodes } from '../core/layer';
import type { Property } from '../core/property';
import type { PropertyResult, UnsupportedFaultKind } from '../core/results';
import type { FaultKind, NicProfile, ScenarioSettings } from '../core/scenario';
import { DEFAULT_CONFIG, NIC_PROFILES } from '../core/scenario';
import { validateScenario } from '../core/validate';
import type { Opcode } from '../core/verbs';
import { OPCODES } from '../core/verbs';
import type { Shard } from './shard';
import { shardSeed, validShard } from './shard';
import { validateRequireCoverage } from './coverage/tally';
import { auditFaultKinds } from './fault-kinds';

/**
 * Every default of checkLayer and of the scenario generator, in one place: the checker, the
 * generator (arbitraries.ts), the CLI and the docs' usage lines read them from here.
 */
export const CHECK_DEFAULTS = {
  /** Generated scenarios per op class. */
  numRuns: 200,
  /** fast-check seed: the same audit every time unless the caller asks for another. */
  seed: 1,
  /** Time budget of one property over one op class, searching, in milliseconds. */
  timeLimitMs: 60_000,
  /** Time budget of shrinking one counterexample, in milliseconds. */
  shrinkTimeLimitMs: 20_000,
  /** Event limit of every generated run (its scenario's config maxEvents). */
  maxEvents: 20_000,
  /** Most application posts per generated scenario. */
  maxOps: 4,
  /** Most faults per generated scenario. */
  maxFaults: 3,
  /** Most paths per generated scenario: a primary and one backup, as SHIFT has. */
  maxPaths: 2,
  /** Liveness budget of every generated run (its scenario's config livenessNs), in nanoseconds. */
  livenessNs: DEFAULT_CONFIG.livenessNs,
  /** The NIC profile of every generated scenario (the simulator's default, IBTA). */
  nic: DEFAULT_CONFIG.nic as NicProfile,
  /**
   * Swarm generation (TigerBeetle's VOPR: each scenario draws its faults from its own subset of
   * the fault kinds): on. It reaches the multi-fault reference defects sooner and every class of
   * the coverage table at least as often (README, "Generator"; npm run bench:generator).
   * checkLayer(layer, { swarm: false }) draws every fault from the fixed weights instead.
   */
  swarm: true,
  /** Fault locality: off; it did not reach the reference defects sooner (same benchmark). */
  locality: false,
  /** Out-of-range addresses (REM_ACCESS_ERR, a WR in 40): on, so that a layer is audited for them. */
  badAddresses: true,
} as const;

/**
 * The version of the scenario generator (arbitraries.ts): a seed and path name a case of one
 * version only, so a counterexample records it (its `generator.version`; absent: 1) and
 * regenerating refuses another. Bump it with every change that moves what a seed and path draw.
 * 2: swarm on by default, faults in failover order, delays past the retransmission timer, late
 * first RECVs and out-of-range addresses. 3: anchors on a WR's first occurrence 3 to 1, on the start
 * and executions twice as often, and half of the faults local to their WR (arbitraries.ts).
 */
export const GENERATOR_VERSION = 3;

/** Options of checkLayer (DESIGN.md), plus the limits of the search. Defaults: CHECK_DEFAULTS. */
export interface CheckOptions {
  /** The fabric (default: the simulator, `sim()`). */
  adapter?: Adapter;
  /** The properties to check (default `properties.all`). */
  properties?: readonly Property[];
  /** Op classes to audit, one column each (default: the layer's `opcodes`, else all six). */
  opcodes?: readonly Opcode[];
  /**
   * Add a 'mixed' column whose scenarios draw from every selected op class (default: true when
   * two or more op classes are selected).
   */
  mixed?: boolean;
  /** Generated scenarios per op class. */
  numRuns?: number;
  /** fast-check seed (the default gives the same audit every time; pass another to explore further). */
  seed?: number;
  /** Time budget of one property over one op class, searching; then `unknown`. */
  timeLimitMs?: number;
  /** Time budget of shrinking one counterexample; the last failing case is kept. */
  shrinkTimeLimitMs?: number;
  /** Event limit of every run (scenario config maxEvents); a run over it is `unknown`. */
  maxEvents?: number;
  /** Most application posts per scenario. */
  maxOps?: number;
  /** Most faults per scenario. */
  maxFaults?: number;
  /** Most paths per scenario (at least 2: a primary and a backup). */
  maxPaths?: number;
  /**
   * Least runs per coverage class (src/check/coverage/classes.ts), counted over the whole audit;
   * an audit below any of them fails naming the class, even if every property holds.
   */
  requireCoverage?: Readonly<Record<string, number>>;
  /**
   * Liveness budget of every run, in virtual nanoseconds (scenario config livenessNs): how long
   * the layers get after the last fault or application step to complete every WR, NIC
   * retransmission waits not counted. Raise it for a layer with millisecond timers (a re-send
   * every 2 ms that gives up after 20 ms needs more than the default 5 ms).
   */
  livenessNs?: number;
  /**
   * The NIC profile every generated scenario runs under (its config.nic): 'ibta' (default) or
   * 'rxe' (Linux Soft-RoCE's behaviour where it differs; docs/simulator.md, NIC profiles).
   */
  nic?: NicProfile;
  /**
   * Settings every generated scenario takes instead of drawing them (QP timeout, retry counts,
   * NIC profile, liveness budget...). Default: the layer's own `config` (a stack audited at its
   * own settings); `{}` draws everything. `livenessNs` and `nic` above win over these.
   */
  config?: ScenarioSettings;
  /**
   * Swarm generation: each scenario draws from its own subset of the fault kinds (bench/generator.ts).
   * checkLayer's default is on (CHECK_DEFAULTS.swarm); scenarioArbitrary called directly draws
   * without it unless given `swarm: true`, so its counterexamples read as they always did.
   */
  swarm?: boolean;
  /** Fault locality: each fault targets one WR, anchored to that WR's events (bench/generator.ts). */
  locality?: boolean;
  /**
   * The only fault kinds to draw (e.g. ['drop-request', 'drop-response', 'link-down']; [] draws no
   * faults). Default: every kind the generator draws that the adapter can inject (its
   * capabilities.faults); the kinds it cannot are named in the report's unsupportedFaultKinds.
   */
  faultKinds?: readonly FaultKind[];
  /** false: no WR names an address outside the memory region (REM_ACCESS_ERR); default true. */
  badAddresses?: boolean;
  /** Called after every generated run. */
  onProgress?: (p: { runs: number; failures: number }) => void;
  /**
   * Called with each violated result as soon as its op class is searched, shrunk and replayed,
   * before checkLayer resolves: write it at once, and an interrupted check loses nothing.
   */
  onCounterexample?: (result: PropertyResult) => void;
  /**
   * Shard `index` of `count` of a campaign (src/check/shard.ts): the audit runs under seed
   * `seed + index - 1`, so shards search disjoint, reproducible streams; merge their reports with
   * `rdmacheck merge`.
   */
  shard?: Shard;
}

/** The options with every default filled in. */
export interface ResolvedCheckOptions {
  adapter?: Adapter;
  properties?: readonly Property[];
  opcodes: readonly Opcode[];
  mixed: boolean;
  numRuns: number;
  seed: number;
  timeLimitMs: number;
  shrinkTimeLimitMs: number;
  maxEvents: number;
  maxOps: number;
  maxFaults: number;
  maxPaths: number;
  requireCoverage?: Readonly<Record<string, number>>;
  livenessNs: number;
  nic: NicProfile;
  /** The given settings other than livenessNs and nic (resolved into their own fields). */
  config: ScenarioSettings;
  swarm: boolean;
  locality: boolean;
  badAddresses: boolean;
  /** The only fault kinds drawn; absent: every drawn kind (the default draw). */
  faultKinds?: FaultKind[];
  /** Kinds left out because the adapter cannot inject them (the report says so). */
  unsupportedFaultKinds?: UnsupportedFaultKind[];
  onProgress?: (p: { runs: number; failures: number }) => void;
  onCounterexample?: (result: PropertyResult) => void;
  shard?: Shard;
}

/** The default seed: audits are reproducible unless the caller asks for another seed. */
export const DEFAULT_SEED: number = CHECK_DEFAULTS.seed;

/** Checks the arguments of checkLayer and fills in the defaults; throws a TypeError naming the fix. */
export function resolveCheckOptions(layer: FailoverLayer, options: CheckOptions = {}): ResolvedCheckOptions {
  const fail = (msg: string): never => {
    throw new TypeError(`checkLayer: ${msg}`);
  };
  if (!layer || typeof layer !== 'object' || typeof layer.create !== 'function')
    fail('layer must be a FailoverLayer (an object with name and create(env))');
  if (typeof layer.name !== 'string' || layer.name === '') fail('layer.name must be a non-empty string');
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const positiveInt = (key: keyof CheckOptions, fallback: number, what = 'a positive integer'): number => {
    const v = options[key];
    if (v === undefined) return fallback;
    if (!Number.isSafeInteger(v) || (v as number) <= 0) fail(`${key} must be ${what} (got ${String(v)})`);
    return v as number;
  };
  const nonNegativeInt = (key: keyof CheckOptions, fallback: number): number => {
    const v = options[key];
    if (v === undefined) return fallback;
    if (!Number.isSafeInteger(v) || (v as number) < 0) fail(`${key} must be a non-negative integer (got ${String(v)})`);
    return v as number;
  };
  if (layer.opcodes !== undefined) {
    if (!Array.isArray(layer.opcodes) || layer.opcodes.length === 0)
      fail(`layer.opcodes must be a non-empty list of the op classes the layer carries (${OPCODES.join(', ')})`);
    for (const op of layer.opcodes)
      if (!OPCODES.includes(op)) fail(`layer.opcodes: "${String(op)}" is not an opcode (${OPCODES.join(', ')})`);
  }
  const carried = carriedOpcodes(layer);
  const opcodes = options.opcodes ?? carried;
  if (!Array.isArray(opcodes) || opcodes.length === 0)
    fail(`opcodes must be a non-empty list of op classes (${OPCODES.join(', ')})`);
  for (const op of opcodes) {
    if (!OPCODES.includes(op)) fail(`opcodes: "${String(op)}" is not an opcode (${OPCODES.join(', ')})`);
    // Work the layer never accepts is not a failure of the layer: refuse to audit it.
    if (!carried.includes(op))
      fail(`opcodes: layer ${layer.name} carries only ${carried.join(', ')} (its opcodes); drop ${op}`);
  }
  if (options.properties !== undefined) {
    if (!Array.isArray(options.properties) || options.properties.length === 0)
      fail('properties must be a non-empty list of Property (e.g. properties.all)');
    for (const p of options.properties) {
      if (!p || typeof p.name !== 'string' || typeof p.check !== 'function')
        fail('properties: every entry must be a Property ({ name, check(run) })');
    }
  }
  if (
    options.adapter !== undefined &&
    (typeof options.adapter.run !== 'function' || typeof options.adapter.name !== 'string')
  ) {
    fail('adapter must be an Adapter (e.g. sim() from rdmacheck)');
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    fail(`seed must be an integer (got ${String(options.seed)})`);
  if (options.mixed !== undefined && typeof options.mixed !== 'boolean')
    fail(`mixed must be true or false (got ${String(options.mixed)})`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    fail('onProgress must be a function');
  if (options.onCounterexample !== undefined && typeof options.onCounterexample !== 'function')
    fail('onCounterexample must be a function');
  if (options.badAddresses !== undefined && typeof options.badAddresses !== 'boolean')
    fail(`badAddresses must be true or false (got ${String(options.badAddresses)})`);
  if (options.nic !== undefined && !NIC_PROFILES.includes(options.nic))
    fail(`nic must be one of ${NIC_PROFILES.map((n) => `'${n}'`).join(', ')} (got ${String(options.nic)})`);
  const shard = options.shard === undefined ? undefined : validShard(options.shard, 'checkLayer');
  const d = CHECK_DEFAULTS;
  const { livenessNs: givenLiveness, nic: givenNic, ...given } = resolveSettings(layer, options, fail);
  const maxEvents = positiveInt('maxEvents', d.maxEvents);
  if (options.maxPaths !== undefined && positiveInt('maxPaths', d.maxPaths) < 2)
    fail(`maxPaths must be at least 2, so that there is a backup path (got ${options.maxPaths})`);
  if (maxEvents < 10) fail(`maxEvents must be at least 10 (got ${maxEvents})`);
  const kinds = auditFaultKinds(options.faultKinds, options.adapter);
  return {
    adapter: options.adapter,
    properties: options.properties,
    opcodes: [...new Set(opcodes)],
    mixed: options.mixed ?? new Set(opcodes).size > 1,
    numRuns: positiveInt('numRuns', d.numRuns),
    seed: shardSeed(options.seed ?? d.seed, shard),
    timeLimitMs: positiveInt('timeLimitMs', d.timeLimitMs),
    shrinkTimeLimitMs: nonNegativeInt('shrinkTimeLimitMs', d.shrinkTimeLimitMs),
    maxEvents,
    maxOps: positiveInt('maxOps', d.maxOps),
    maxFaults: nonNegativeInt('maxFaults', d.maxFaults),
    maxPaths: positiveInt('maxPaths', d.maxPaths),
    ...(options.requireCoverage === undefined
      ? {}
      : { requireCoverage: validateRequireCoverage('checkLayer', options.requireCoverage) }),
    livenessNs: positiveInt(
      'livenessNs',
      givenLiveness ?? d.livenessNs,
      'a positive integer of nanoseconds, e.g. 50_000_000 for 50 ms',
    ),
    nic: options.nic ?? givenNic ?? d.nic,
    config: given,
    swarm: options.swarm ?? d.swarm,
    locality: options.locality ?? d.locality,
    badAddresses: options.badAddresses ?? d.badAddresses,
    ...kinds,
    onProgress: options.onProgress,
    onCounterexample: options.onCounterexample,
    ...(shard === undefined ? {} : { shard }),
  };
}

/** Config keys a generated scenario cannot take as given (see ScenarioSettings). */
const UNSETTABLE = ['paths', 'memoryWords', 'maxEvents'];

/** The settings generated scenarios take as given: options.config, else the layer's; checked. */
function resolveSettings(layer: FailoverLayer, options: CheckOptions, fail: (msg: string) => never): ScenarioSettings {
  const fromOptions = options.config !== undefined;
  const settings = fromOptions ? options.config : layer.config;
  const where = fromOptions ? 'config' : `layer.config (of ${layer.name})`;
  if (settings === undefined) return {};
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings))
    fail(`${where} must be an object of scenario settings (e.g. { timeout: 14, retryCnt: 7 })`);
  for (const key of Object.keys(settings as object))
    if (UNSETTABLE.includes(key))
      fail(`${where}.${key} cannot be given: generated scenarios draw it (use maxPaths or maxEvents instead)`);
  try {
    validateScenario({ config: { ...settings }, workload: [], faults: [] });
  } catch (err) {
    fail(`${where}: ${(err as Error).message.replace(/^scenario\.config\./, '')}`);
  }
  return { ...settings };
}
