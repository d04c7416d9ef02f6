/**
 * checkLayer: audits a failover layer. For each op class, fast-check generates scenarios; every
 * run is judged by every property still undecided; each property's first failure is then run
 * again and shrunk with the domain shrinker (./shrinkFailure). The Report holds one result per
 * property and op class (the audit matrix) and one per property over all op classes.
 */
import fc from 'fast-check';
import { sim } from '../../adapters/sim';
import { properties as allProperties } from '../../properties';
import type { Adapter, Execution } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import type { Property, Verdict } from '../core/property';
import type { CoverageCounts, GeneratorLimits, OpClass, PropertyResult, Report } from '../core/results';
import type { FaultKind, NicProfile, Scenario, ScenarioSettings } from '../core/scenario';
import type { Opcode } from '../core/verbs';
import { OPCODES } from '../core/verbs';
import { resolveGeneratorLimits, scenarioArbitrary } from './arbitraries';
import { buildCounterexample } from './counterexample';
import { execute, nowMs } from './execute';
import { describeError } from '../core/errors';
import { checkSafely } from '../core/safe-check';
import { resolveCheckOptions } from './options';
import { replayBeforeReport } from './report-replayed';
import { shrinkFailure } from './shrinkFailure';
import { columnArbitrary, untilDecided } from './columnArbitrary';
import type { CheckOptions, ResolvedCheckOptions } from './options';
import { coverageShortfalls, emptyCoverageRow, tallyRun } from './coverage/tally';

import { contain } from './contained/contain';
import { checkLayerModule } from './contained/check-module';
import type { ContainedCheckOptions, LayerModuleRef } from './contained/check-module';

export type { CheckOptions } from './options';

type Violated = Extract<Verdict, { status: 'violated' }>;

/**
 * How often the search lets timers and I/O run, in milliseconds. Also a bound on garbage: until
 * the search yields to the event loop, part of every run judged since the last yield stays
 * reachable (measured with --trace-gc-nvp: at 50 ms, an audit with at-most-once alone promoted
 * about 1.7 MB of each 16 MB scavenge to the old generation, at 5 ms 45 KB; issue 13), and a
 * yield costs a few microseconds.
 */
const YIELD_EVERY_MS = 5;

/** The progress of one property over one op class during the search. */
interface Cell {
  property: Property;
  runs: number;
  timeMs: number;
  failure?: { runIndex: number; scenario: Scenario; verdict: Violated; execution: Execution };
  inconclusive: number;
  firstUnknown?: string;
  timedOut: boolean;
}

/**
 * Audits `layer`: a result per property and op class, each violation with its shrunk
 * counterexample. A layer given by module path (a string, or { module, export }) runs in a worker
 * with a heap limit and a watchdog (./contained/check-module): a loop or an allocation without
 * bound is a finding naming the limit. A layer object runs in this process, contained only where
 * it calls env (its work budget, maxLayerSteps).
 */
export async function checkLayer(
  layer: FailoverLayer | LayerModuleRef,
  options: CheckOptions & ContainedCheckOptions = {},
): Promise<Report> {
  if (typeof layer === 'string' || (layer !== null && typeof layer === 'object' && 'module' in layer))
    return checkLayerModule(layer, options);
  return checkColumns(layer, options);
}

/**
 * checkLayer over chosen audit columns (default: each selected op class, then 'mixed' when
 * options.mixed): the CLI runs one column per call to show progress column by column.
 */
export async function checkColumns(
  layer: FailoverLayer,
  options: CheckOptions = {},
  only?: readonly OpClass[],
): Promise<Report> {
  const o = resolveCheckOptions(layer, options);
  // contain(): inside a contained worker every run is recorded for the watchdog (else a no-op).
  const adapter = contain(o.adapter ?? sim());
  const props = o.properties ?? allProperties.all;
  const progress = { runs: 0, failures: 0 };
  const perOpcode: PropertyResult[] = [];
  const coverage: CoverageCounts = {};
  const columns: readonly OpClass[] = only ?? [...o.opcodes, ...(o.mixed ? (['mixed'] as const) : [])];
  for (const column of columns) {
    const cells = await search(layer, adapter, props, column, o, progress, coverage);
    const results: PropertyResult[] = [];
    for (const cell of cells) results.push(await conclude(layer, adapter, cell, column, o));
    const replayed = await replayBeforeReport(layer, adapter, results);
    for (const r of replayed) if (r.counterexample !== undefined) o.onCounterexample?.(r);
    perOpcode.push(...replayed);
  }
  const overall = props.map((p) =>
    combine(
      p.name,
      perOpcode.filter((r) => r.property === p.name),
    ),
  );
  const shortfalls = coverageShortfalls(coverage, o.requireCoverage);
  return {
    layer: layer.name,
    adapter: adapter.name,
    seed: o.seed,
    ...(o.shard === undefined ? {} : { shard: o.shard }),
    ok: overall.every((r) => r.status !== 'violated') && shortfalls.length === 0,
    results: [...overall, ...perOpcode],
    coverage,
    ...(o.requireCoverage === undefined ? {} : { coverageShortfalls: shortfalls }),
    ...(o.unsupportedFaultKinds === undefined ? {} : { unsupportedFaultKinds: o.unsupportedFaultKinds }),
  };
}

/** Bounds of the generator of one audit column, as checkLayer resolves them. */
type ColumnBounds = Pick<ResolvedCheckOptions, 'maxEvents' | 'maxOps' | 'maxFaults'> & {
  maxPaths?: number;
  livenessNs?: number;
  nic?: NicProfile;
  config?: ScenarioSettings;
  swarm?: boolean;
  locality?: boolean;
  /** The only fault kinds drawn (absent: every drawn kind). */
  faultKinds?: readonly FaultKind[];
  badAddresses?: boolean;
  /** The op classes the audit selected: what a mixed column draws from (default: all). */
  opcodes?: readonly Opcode[];
};

/**
 * The generator of one audit column's scenarios (an op class, or 'mixed': every selected op class),
 * as checkLayer runs it: what its counterexamples record.
 */
export function opClassGenerator(opcode: OpClass, o: ColumnBounds): GeneratorLimits {
  return resolveGeneratorLimits({
    opcodes: opcode === 'mixed' ? (o.opcodes ?? OPCODES) : [opcode],
    maxEvents: o.maxEvents,
    maxOps: o.maxOps,
    maxFaults: o.maxFaults,
    maxPaths: o.maxPaths,
    livenessNs: o.livenessNs,
    nic: o.nic,
    config: o.config,
    swarm: o.swarm,
    locality: o.locality,
    faultKinds: o.faultKinds,
    badAddresses: o.badAddresses,
  });
}

/** The arbitrary of one audit column's scenarios, as checkLayer generates them (for replaying a path). */
export function opClassArbitrary(opcode: OpClass, o: ColumnBounds): fc.Arbitrary<Scenario> {
  return scenarioArbitrary(opClassGenerator(opcode, o));
}

/** Generates numRuns scenarios of one op class and judges each run by every undecided property. */
async function search(
  layer: FailoverLayer,
  adapter: Adapter,
  props: readonly Property[],
  opcode: OpClass,
  o: ResolvedCheckOptions,
  progress: { runs: number; failures: number },
  coverage: CoverageCounts,
): Promise<Cell[]> {
  const cells: Cell[] = props.map((property) => ({ property, runs: 0, timeMs: 0, inconclusive: 0, timedOut: false }));
  coverage[opcode] ??= emptyCoverageRow();
  let runIndex = -1;
  let decided = false;
  let lastYield = nowMs();
  const judge = async (scenario: Scenario): Promise<boolean> => {
    runIndex++;
    const active = cells.filter((c) => !c.failure && !c.timedOut);
    // Every property is decided (failed, or out of time): no more runs. An interrupting
    // precondition failure ends fast-check's loop without counting a failure or shrinking.
    if (active.length === 0) throw new fc.PreconditionFailure(true);
    const started = nowMs();
    let run: Execution;
    try {
      // No await for a synchronous adapter or verdict: a tick per await is garbage on the hot path.
      const ran = execute(adapter, scenario, layer);
      run = ran instanceof Promise ? await ran : ran;
    } catch (err) {
      for (const c of active)
        inconclusive(c, `the ${adapter.name} adapter could not run a generated scenario (${describeError(err)})`);
      return true;
    }
    const runMs = nowMs() - started;
    // Let timers run now and then (a jest deadline, a progress display): awaiting sync results
    // only yields to microtasks. Timing only: which scenarios run, and their verdicts, are unchanged.
    if (started - lastYield > YIELD_EVERY_MS) {
      lastYield = started;
      await new Promise((r) => setImmediate(r));
    }
    tallyRun(coverage, opcode, run.trace);
    for (const c of active) {
      const t = nowMs();
      const checked = checkSafely(c.property, run);
      const v = checked instanceof Promise ? await checked : checked;
      c.runs++;
      c.timeMs += runMs + (nowMs() - t);
      if (v.status === 'violated') {
        c.failure = { runIndex, scenario, verdict: v, execution: run };
        progress.failures++;
      } else if (v.status === 'unknown') {
        inconclusive(c, v.reason);
      }
      if (!c.failure && c.timeMs > o.timeLimitMs) c.timedOut = true;
    }
    progress.runs++;
    o.onProgress?.({ ...progress });
    // This run decided the last undecided property: end here rather than draw one more scenario
    // only to stop at it (the verdicts are recorded; fast-check's own outcome is not read).
    if (active.every((c) => c.failure || c.timedOut)) {
      decided = true;
      throw new fc.PreconditionFailure(true);
    }
    return true;
  };
  const arbitrary = untilDecided(columnArbitrary(opClassGenerator(opcode, o)), () => decided);
  await fc.check(fc.asyncProperty(arbitrary, judge), {
    seed: o.seed,
    numRuns: o.numRuns,
  });
  return cells;
}

function inconclusive(c: Cell, reason: string): void {
  c.inconclusive++;
  c.firstUnknown ??= reason;
}

/** Turns a searched cell into its result: shrinks a failure, explains an unknown. */
async function conclude(
  layer: FailoverLayer,
  adapter: Adapter,
  cell: Cell,
  opcode: OpClass,
  o: ResolvedCheckOptions,
): Promise<PropertyResult> {
  const property = cell.property.name;
  if (cell.failure) {
    const generator = opClassGenerator(opcode, o);
    const shrunk = await shrinkFailure(layer, adapter, cell.property, cell.failure, generator, o);
    return {
      property,
      opcode,
      status: 'violated',
      runs: cell.runs,
      ...(shrunk.note ? { reason: shrunk.note } : {}),
      counterexample: buildCounterexample({
        property,
        verdict: shrunk.verdict,
        execution: shrunk.execution,
        seed: o.seed,
        path: shrunk.path,
        generator,
        opcode,
      }),
    };
  }
  if (cell.timedOut) {
    return {
      property,
      opcode,
      status: 'unknown',
      runs: cell.runs,
      reason: `time limit of ${o.timeLimitMs} ms reached after ${cell.runs} of ${o.numRuns} runs`,
    };
  }
  if (cell.inconclusive > 0) {
    return {
      property,
      opcode,
      status: 'unknown',
      runs: cell.runs,
      reason: `${cell.inconclusive} of ${cell.runs} runs were inconclusive; the first: ${cell.firstUnknown}`,
    };
  }
  return { property, opcode, status: 'holds', runs: cell.runs };
}

/** A property's result over every op class: violated if any is, unknown if any is, else holds. */
function combine(property: string, cells: PropertyResult[]): PropertyResult {
  const runs = cells.reduce((n, c) => n + c.runs, 0);
  const violated = cells.find((c) => c.status === 'violated');
  if (violated)
    return {
      property,
      status: 'violated',
      runs,
      counterexample: violated.counterexample,
      ...(violated.reason ? { reason: violated.reason } : {}),
    };
  const unknown = cells.find((c) => c.status === 'unknown');
  if (unknown) return { property, status: 'unknown', runs, reason: `${unknown.opcode}: ${unknown.reason}` };
  return { property, status: 'holds', runs };
}
