/**
 * Shrinking a failure the search found: the failing case is run again (it must fail again: a
 * layer that depends on more than its scenario is reported unshrunk) and shrunk greedily with the
 * domain shrinker (shrink.ts via DomainShrunkScenarios): the first candidate that still fails is
 * taken and shrunk in turn, until no candidate fails. This is fast-check's own shrink loop,
 * candidate for candidate, so the shrunk scenario and its path (seed and path replay it with
 * fast-check: regenerate.ts) are the ones `fc.check(fc.asyncProperty(arbitrary, passes), { seed,
 * path })` gives (test/check/shrinkFailure.test.ts compares them). It runs here rather than inside
 * fast-check because a shallow bug's shrink is 30-120 candidates of a few dozen events each, and
 * fast-check's machinery per candidate (its runner, a promise chain, the tuple wrapping) added a
 * fifth to a quarter to the candidates' runs, and replaying the case from its path a draw
 * (issue 13).
 */
import type { Adapter, Execution } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import type { Property, Verdict } from '../core/property';
import type { GeneratorLimits } from '../core/results';
import type { Scenario } from '../core/scenario';
import { checkSafely } from '../core/safe-check';
import { columnArbitrary } from './columnArbitrary';
import { execute, nowMs } from './execute';

type Violated = Extract<Verdict, { status: 'violated' }>;

/** A failing run and its verdict. */
export interface FailingRun {
  verdict: Violated;
  execution: Execution;
}

/** What shrinking a failure gives: the smallest failing run found, its path, and why it may not be minimal. */
export interface ShrunkFailure extends FailingRun {
  path: string;
  note?: string;
}

/**
 * Runs the search's failing case (`first`: run `runIndex` at `seed`) again and shrinks it, within
 * `shrinkTimeLimitMs` (after it, every candidate counts as passing, so the last failing scenario
 * is the result). `generator` must be the search's: a path names a case of one generator, and
 * `first.scenario` is the case fast-check draws at that seed and path.
 */
export async function shrinkFailure(
  layer: FailoverLayer,
  adapter: Adapter,
  property: Property,
  first: FailingRun & { runIndex: number; scenario: Scenario },
  generator: GeneratorLimits,
  o: { shrinkTimeLimitMs: number },
): Promise<ShrunkFailure> {
  const deadline = nowMs() + o.shrinkTimeLimitMs;
  const arbitrary = columnArbitrary(generator);
  const start = first.scenario;
  const again = stillFails(layer, adapter, property, start);
  let last = again instanceof Promise ? await again : again;
  if (last === undefined) {
    return {
      verdict: first.verdict,
      execution: first.execution,
      path: String(first.runIndex),
      note: 'the failure did not reproduce when run again (is the layer deterministic?), so it is reported unshrunk',
    };
  }
  const path = [String(first.runIndex)];
  let current = start;
  let cut = false;
  descent: for (;;) {
    let index = 0;
    for (const candidate of arbitrary.shrink(current, undefined)) {
      if (nowMs() > deadline) {
        cut = true;
        break descent;
      }
      const judging = stillFails(layer, adapter, property, candidate.value);
      const failing = judging instanceof Promise ? await judging : judging;
      if (failing !== undefined) {
        last = failing;
        current = candidate.value;
        path.push(String(index));
        continue descent;
      }
      index++;
    }
    break;
  }
  return {
    ...last,
    path: path.join(':'),
    ...(cut
      ? {
          note: `shrinking stopped at the shrink time limit (${o.shrinkTimeLimitMs} ms); the counterexample may not be minimal`,
        }
      : {}),
  };
}

/**
 * The run and verdict when `scenario` still violates `property`, else undefined (it holds, or
 * cannot run). Synchronous on a synchronous adapter and verdict: a promise per candidate adds up.
 */
function stillFails(
  layer: FailoverLayer,
  adapter: Adapter,
  property: Property,
  scenario: Scenario,
): FailingRun | undefined | Promise<FailingRun | undefined> {
  let ran: Execution | Promise<Execution>;
  try {
    ran = execute(adapter, scenario, layer);
  } catch {
    return undefined;
  }
  if (ran instanceof Promise) return ran.then((run) => judged(property, run)).catch(() => undefined);
  return judged(property, ran);
}

/** `run` with its verdict when `property` is violated on it (an error judging counts as holding). */
function judged(property: Property, run: Execution): FailingRun | undefined | Promise<FailingRun | undefined> {
  const ofVerdict = (verdict: Verdict) => (verdict.status === 'violated' ? { verdict, execution: run } : undefined);
  let checked: Verdict | Promise<Verdict>;
  try {
    checked = checkSafely(property, run);
  } catch {
    return undefined;
  }
  return checked instanceof Promise ? checked.then(ofVerdict).catch(() => undefined) : ofVerdict(checked);
}
