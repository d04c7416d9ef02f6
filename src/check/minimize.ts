/**
 * minimizeScenario: the third use of rdmacheck, shrinking a bug report. It takes a failing
 * scenario the user brings (an incident written down, a long hand-written test, a failure seen on
 * real verbs) and reduces it with the domain shrinker (shrink.ts) to a 1-minimal scenario that
 * still violates the same property. checkLayer shrinks what it generated itself as fast-check
 * would, keeping its seed and path (shrinkFailure.ts); this shrinks any scenario, greedily
 * (descend.ts), with a candidate budget and a wall-clock safety limit.
 *
 * On a non-deterministic adapter (real verbs) the failure is first reproduced on the simulator,
 * shrunk there (fast and repeatable), and the minimal scenario is run again on the adapter to
 * confirm it. When the simulator does not reproduce the failure, that is a fidelity finding: the
 * result says so and carries both traces.
 */
import { sim } from '../../adapters/sim';
import { properties as allProperties } from '../../properties';
import type { Adapter, Execution } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import type { Property, Verdict } from '../core/property';
import type { Counterexample } from '../core/results';
import type { Scenario } from '../core/scenario';
import { checkSafely } from '../core/safe-check';
import { validateScenario } from '../core/validate';
import { makeCounterexample } from '../report/counterexample';
import { toolVersion } from '../report/version';
import { descend, scenarioSize } from './descend';
import type { DescentProgress } from './descend';
import { execute } from './execute';

export type { DescentProgress } from './descend';
export { scenarioSize } from './descend';

type Violated = Extract<Verdict, { status: 'violated' }>;

/** Defaults of minimizeScenario's limits. */
export const MINIMIZE_DEFAULTS = {
  /** Shrink candidates run at most (each is one run of the layer on the simulator). */
  maxCandidates: 5_000,
  /** Wall-clock safety limit in ms; the candidate budget is what normally bounds the work. */
  timeLimitMs: 120_000,
} as const;

/** Options of minimizeScenario. */
export interface MinimizeOptions {
  /** The property to keep violated, or its name (default: the first of `properties` the scenario violates). */
  property?: Property | string;
  /** Where to look for the first violation when `property` is absent (default properties.all). */
  properties?: readonly Property[];
  /**
   * Where the failure is seen and the minimal scenario confirmed (default sim()). A deterministic
   * adapter with runSync is shrunk on directly; any other (native) is shrunk on `shrinkOn`.
   */
  adapter?: Adapter;
  /** The adapter the shrinking runs on when `adapter` is not deterministic (default sim()). */
  shrinkOn?: Adapter;
  /** Most shrink candidates to run (default MINIMIZE_DEFAULTS.maxCandidates). */
  maxCandidates?: number;
  /** Wall-clock safety limit in ms (default MINIMIZE_DEFAULTS.timeLimitMs). */
  timeLimitMs?: number;
  /** Called after every candidate. */
  onProgress?: (p: DescentProgress) => void;
}

/** One property's verdict on one run. */
export interface JudgedProperty {
  property: string;
  verdict: Verdict;
}

/** A run and the verdict of the property being shrunk for. */
export interface JudgedRun {
  execution: Execution;
  verdict: Verdict;
}

/** The scenario does not violate the property (or any property): nothing to shrink. */
export interface DoesNotFail {
  outcome: 'does-not-fail';
  /** The verdicts on the scenario as given, on `adapter`. */
  verdicts: JudgedProperty[];
  execution: Execution;
}

/** Seen failing on the adapter, but the simulator does not reproduce it: a fidelity finding. */
export interface NotReproduced {
  outcome: 'not-reproduced';
  property: string;
  verdicts: JudgedProperty[];
  /** The failing run where it was seen (e.g. native). */
  seen: JudgedRun;
  /** The same scenario on the simulator, where the property does not fail. */
  simulated: JudgedRun;
}

/** Shrunk: the minimal failing scenario and how it was reached. */
export interface Shrunk {
  outcome: 'shrunk';
  property: string;
  verdicts: JudgedProperty[];
  /** The scenario as given, run where it was seen. */
  original: JudgedRun;
  /** The minimal scenario's run on the shrinking adapter: the counterexample's trace. */
  minimal: JudgedRun & { verdict: Violated };
  scenario: Scenario;
  counterexample: Counterexample;
  sizeBefore: number;
  sizeAfter: number;
  /** True when the descent reached its fixpoint: no single shrink move still fails. */
  oneMinimal: boolean;
  /** Which limit stopped the descent early (then the result may not be minimal). */
  limit?: 'candidates' | 'time';
  candidates: number;
  steps: number;
  /** On a non-deterministic adapter: the minimal scenario run there again. */
  confirmation?: JudgedRun & { adapter: string; confirmed: boolean };
}

/** What minimizeScenario found. */
export type MinimizeResult = DoesNotFail | NotReproduced | Shrunk;

/**
 * Shrinks a failing scenario of `layer` to a 1-minimal one that still violates the property.
 * Throws (message starting "minimizeScenario:") on a malformed scenario, an unknown property or
 * bad limits; a scenario that does not fail resolves to outcome 'does-not-fail'.
 */
export async function minimizeScenario(
  scenario: Scenario,
  layer: FailoverLayer,
  options: MinimizeOptions = {},
): Promise<MinimizeResult> {
  const limits = resolveLimits(options);
  try {
    validateScenario(scenario);
  } catch (e) {
    throw new Error(`minimizeScenario: ${(e as Error).message}`);
  }
  const adapter = options.adapter ?? sim();
  const shrinkOn = isDeterministic(adapter) ? adapter : (options.shrinkOn ?? sim());
  const candidates = resolveProperties(options);
  const seen = await execute(adapter, scenario, layer);
  const verdicts: JudgedProperty[] = [];
  let property: Property | undefined;
  for (const p of candidates) {
    const verdict = await checkSafely(p, seen);
    verdicts.push({ property: p.name, verdict });
    if (verdict.status === 'violated') {
      property = p;
      break;
    }
  }
  if (property === undefined) return { outcome: 'does-not-fail', verdicts, execution: seen };
  const original: JudgedRun = { execution: seen, verdict: verdicts[verdicts.length - 1].verdict };
  const judge = async (s: Scenario): Promise<JudgedRun | undefined> => {
    let run: Execution;
    try {
      run = await execute(shrinkOn, s, layer);
    } catch {
      return undefined; // a candidate the adapter cannot run does not reproduce the failure
    }
    const verdict = await checkSafely(property, run);
    return verdict.status === 'violated' ? { execution: run, verdict } : undefined;
  };
  const start = shrinkOn === adapter ? original : await judge(scenario);
  if (start === undefined) {
    const simulated = await execute(shrinkOn, scenario, layer);
    const verdict = await checkSafely(property, simulated);
    return {
      outcome: 'not-reproduced',
      property: property.name,
      verdicts,
      seen: original,
      simulated: { execution: simulated, verdict },
    };
  }
  const d = await descend(scenario, start, judge, { ...limits, onProgress: options.onProgress });
  const minimal = d.witness as JudgedRun & { verdict: Violated };
  const result: Shrunk = {
    outcome: 'shrunk',
    property: property.name,
    verdicts,
    original,
    minimal,
    scenario: d.scenario,
    counterexample: counterexampleOfRun(property.name, minimal.execution, minimal.verdict),
    sizeBefore: scenarioSize(scenario),
    sizeAfter: scenarioSize(d.scenario),
    oneMinimal: d.limit === undefined,
    candidates: d.candidates,
    steps: d.steps,
    ...(d.limit === undefined ? {} : { limit: d.limit }),
  };
  if (shrinkOn !== adapter) {
    const run = await execute(adapter, d.scenario, layer);
    const verdict = await checkSafely(property, run);
    result.confirmation = {
      adapter: adapter.name,
      execution: run,
      verdict,
      confirmed: verdict.status === 'violated',
    };
  }
  return result;
}

/** One line on how the shrinking ended, for the CLI and for people reading a result. */
export function describeLimit(r: Pick<Shrunk, 'limit' | 'candidates'>, limits: MinimizeOptions = {}): string {
  if (r.limit === 'candidates')
    return `shrinking stopped after its budget of ${limits.maxCandidates ?? MINIMIZE_DEFAULTS.maxCandidates} candidates: the result may not be minimal (raise maxCandidates / --max-candidates)`;
  if (r.limit === 'time')
    return `shrinking stopped at the time limit of ${limits.timeLimitMs ?? MINIMIZE_DEFAULTS.timeLimitMs} ms after ${r.candidates} candidates: the result may not be minimal (raise timeLimitMs / --time-limit)`;
  return `1-minimal: none of the shrinker's single removals or simplifications still fails (${r.candidates} candidates tried)`;
}

function isDeterministic(adapter: Adapter): boolean {
  return adapter.capabilities.deterministic && adapter.runSync !== undefined;
}

function resolveLimits(options: MinimizeOptions): { maxCandidates: number; timeLimitMs: number } {
  const maxCandidates = options.maxCandidates ?? MINIMIZE_DEFAULTS.maxCandidates;
  const timeLimitMs = options.timeLimitMs ?? MINIMIZE_DEFAULTS.timeLimitMs;
  if (!Number.isSafeInteger(maxCandidates) || maxCandidates < 1)
    throw new Error(`minimizeScenario: maxCandidates must be a positive integer, got ${String(maxCandidates)}`);
  if (typeof timeLimitMs !== 'number' || !(timeLimitMs > 0))
    throw new Error(
      `minimizeScenario: timeLimitMs must be a positive number of milliseconds, got ${String(timeLimitMs)}`,
    );
  return { maxCandidates, timeLimitMs };
}

/** The properties to judge, in order: the one asked for, or every candidate. */
function resolveProperties(options: MinimizeOptions): readonly Property[] {
  const pool = options.properties ?? allProperties.all;
  if (options.property === undefined) return pool;
  if (typeof options.property !== 'string') return [options.property];
  const name = options.property;
  const found = [...pool, ...allProperties.all].find((p) => p.name === name);
  if (found === undefined)
    throw new Error(
      `minimizeScenario: unknown property "${name}"; known: ${allProperties.all.map((p: Property) => p.name).join(', ')}`,
    );
  return [found];
}

/**
 * A run of a scenario the user brought, as a counterexample (any verdict: a trace file records
 * holds and unknown too). It was not generated, so it has no seed or path to regenerate from
 * (seed 0, empty path); the scenario in the file is the reproduction.
 */
export function counterexampleOfRun(property: string, execution: Execution, verdict: Verdict): Counterexample {
  return makeCounterexample({
    property,
    explanation:
      verdict.status === 'violated'
        ? verdict.explanation
        : verdict.status === 'unknown'
          ? verdict.reason
          : `${property} holds on this run`,
    events: verdict.status === 'violated' ? verdict.events : [],
    layer: execution.layer.name,
    adapter: execution.adapter.name,
    seed: 0,
    path: '',
    scenario: execution.scenario,
    trace: execution.trace,
    verdict,
    config: execution.config,
    toolVersion: toolVersion(),
  });
}
