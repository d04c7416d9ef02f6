/** What checkLayer returns: a result per property, each failure with its shrunk counterexample. */
import type { Verdict } from './property';
import type { FaultKind, NicProfile, Scenario, ScenarioSettings, SimConfig } from './scenario';
import type { Trace } from './trace';
import type { Opcode } from './verbs';

/**
 * An audit column: one op class, or 'mixed' (scenarios drawing from every selected op class, so
 * that a defect needing two, such as a fence between a READ and a WRITE, is within reach).
 */
export type OpClass = Opcode | 'mixed';

/** The name of the mixed column. */
export const MIXED: OpClass = 'mixed';

/**
 * The parameters of the scenario generator (src/check/arbitraries.ts) a counterexample was found
 * with. fast-check's seed and path name a case of one generator: with these recorded, seed + path
 * regenerate the case whatever the defaults of a later version are.
 */
export interface GeneratorLimits {
  /** The generator's version (GENERATOR_VERSION) that drew the case; absent: 1, before versions were recorded. */
  version?: number;
  /** Op classes of the application's posts. */
  opcodes: Opcode[];
  /** Most application posts per scenario. */
  maxOps: number;
  /** Most faults per scenario. */
  maxFaults: number;
  /** Most paths per scenario (at least 2). */
  maxPaths: number;
  /** Event limit of every run (scenario config maxEvents). */
  maxEvents: number;
  /** Liveness budget of every run (scenario config livenessNs). */
  livenessNs: number;
  /** The NIC profile of every run (scenario config nic); absent: 'ibta', the default. */
  nic?: NicProfile;
  /** Settings every run takes as given instead of drawing them (a stack's own); absent: none. */
  config?: ScenarioSettings;
  /** Swarm generation: each scenario draws from its own subset of the fault kinds (absent: off). */
  swarm?: boolean;
  /** Fault locality: each fault targets one WR and is anchored to that WR's own events (absent: off). */
  locality?: boolean;
  /** The only fault kinds drawn (empty: no faults); absent: every kind the generator draws. */
  faultKinds?: FaultKind[];
  /** false: no WR names an out-of-range address (REM_ACCESS_ERR); absent: one WR in 40 does. */
  badAddresses?: boolean;
}

/**
 * The data of a counterexample: plain fields only, so it survives JSON, YAML (the trace file) and
 * structuredClone (a worker boundary) whole. What every renderer takes.
 */
export interface CounterexampleData {
  property: string;
  /** One or two sentences in the paper's words. */
  explanation: string;
  /** Trace indices that witness the violation. */
  events: number[];
  layer: string;
  adapter: string;
  /** fast-check seed and path: with `generator`, they regenerate the shrunk scenario. */
  seed: number;
  path: string;
  /** The generator the case was found with (absent when it was not generated, or in older files). */
  generator?: GeneratorLimits;
  scenario: Scenario;
  trace: Trace;
  /** The property's exact verdict on the trace. */
  verdict?: Verdict;
  /** The resolved fabric config of the run (the scenario's overrides on the defaults). */
  config?: SimConfig;
  /** The rdmacheck version that found (or wrote) it. */
  toolVersion?: string;
  /** The audit column of the failing run: the op class it was restricted to, or 'mixed'. */
  opcode?: OpClass;
}

/**
 * A minimal failing run, self-contained and replayable: its data, plus its renderings as methods.
 * The methods live on a prototype (src/report/counterexample.ts), so the object's own fields are
 * data only; `makeCounterexample(data)` gives a cloned or parsed copy its methods back.
 */
export interface Counterexample extends CounterexampleData {
  /** The trace file (docs/trace-format.md). */
  toYAML(): string;
  /** The lane chart with its header, for terminals and logs. */
  toText(): string;
  /** A Mermaid sequenceDiagram, for a GitHub issue. */
  toMermaid(): string;
}

/** One property's result (over one op class, or over the whole workload when `opcode` is absent). */
export interface PropertyResult {
  property: string;
  /** The audit column: an op class, or 'mixed'; absent for the result over every column. */
  opcode?: OpClass;
  status: 'holds' | 'violated' | 'unknown';
  runs: number;
  /** Why the result is unknown (a limit was hit, the adapter cannot observe something). */
  reason?: string;
  counterexample?: Counterexample;
}

/**
 * How many runs exercised each coverage class (src/check/coverage/classes.ts), per op class:
 * op class (or 'mixed') -> coverage class name -> runs. Plain data, in table order.
 */
export type CoverageCounts = Record<string, Record<string, number>>;

/** A coverage class the audit exercised fewer times than CheckOptions.requireCoverage asked. */
export interface CoverageShortfall {
  coverageClass: string;
  required: number;
  runs: number;
  /** One sentence naming the class and what to do. */
  explanation: string;
}

/** A fault kind an audit did not draw because its adapter cannot inject it. */
export interface UnsupportedFaultKind {
  kind: FaultKind;
  /** The adapter's reason (its capabilities.faults). */
  reason: string;
}

/**
 * The audit of one layer. `ok` is true when no property was violated and every required coverage
 * class was exercised often enough.
 */
export interface Report {
  layer: string;
  adapter: string;
  seed: number;
  /** The shard of a campaign this report covers (its seed is already the shard's). */
  shard?: { index: number; count: number };
  ok: boolean;
  results: PropertyResult[];
  /** Runs per op class and coverage class (absent in reports written before coverage existed). */
  coverage?: CoverageCounts;
  /** The requireCoverage classes exercised too rarely (the audit then fails). */
  coverageShortfalls?: CoverageShortfall[];
  /**
   * Fault kinds left out of every generated scenario because the adapter cannot inject them
   * (checkLayer draws the others instead of failing on each such scenario); absent when none
   * were left out, or when the caller chose the kinds (CheckOptions.faultKinds).
   */
  unsupportedFaultKinds?: UnsupportedFaultKind[];
}
