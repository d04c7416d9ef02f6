/**
 * The greedy descent behind minimizeScenario: from a failing scenario, try the domain shrinker's
 * one-step-smaller candidates in its order and move to the first that still fails, until none
 * does. The fixpoint is 1-minimal for the shrinker's moves by construction. Deterministic: the
 * candidate order is the shrinker's and nothing here looks at the clock except the safety limit.
 */
import type { Scenario } from '../core/scenario';
import { nowMs } from './execute';
import { shrinkScenario } from './shrink';

/** What one descent step reports while it runs. */
export interface DescentProgress {
  /** Candidates run so far (cache hits are not counted: they cost nothing). */
  candidates: number;
  /** Accepted shrink steps so far. */
  steps: number;
  /** Workload steps + faults of the current (smallest failing) scenario. */
  size: number;
}

/** Limits and callbacks of a descent. */
export interface DescentOptions {
  /** Most candidates to run; the descent stops, not minimal, when they are spent. */
  maxCandidates: number;
  /** Wall-clock safety limit in ms; the descent stops, not minimal, when it passes. */
  timeLimitMs: number;
  onProgress?: (p: DescentProgress) => void;
}

/** Where the descent ended. `limit` is set when it stopped before the fixpoint. */
export interface DescentResult<T> {
  scenario: Scenario;
  /** What `stillFails` returned for the final scenario (the start's when no step was taken). */
  witness: T;
  candidates: number;
  steps: number;
  /** Absent: the result is 1-minimal. Otherwise which limit stopped the descent. */
  limit?: 'candidates' | 'time';
}

/** The size users read: workload steps plus faults. */
export function scenarioSize(s: Scenario): number {
  return s.workload.length + s.faults.length;
}

/**
 * Descends from `start` (which must fail, with `startWitness`): `stillFails` returns a witness
 * when the candidate still fails, undefined when it passes or cannot run.
 */
export async function descend<T>(
  start: Scenario,
  startWitness: T,
  stillFails: (candidate: Scenario) => Promise<T | undefined>,
  options: DescentOptions,
): Promise<DescentResult<T>> {
  const deadline = nowMs() + options.timeLimitMs;
  // Candidates already judged, by their JSON: the shrinker reaches the same scenario by several
  // routes, and a move back to an earlier (failing) scenario would otherwise loop.
  const judged = new Map<string, boolean>([[JSON.stringify(start), true]]);
  let current = start;
  let witness = startWitness;
  let candidates = 0;
  let steps = 0;
  const report = () => options.onProgress?.({ candidates, steps, size: scenarioSize(current) });
  for (;;) {
    let moved = false;
    for (const candidate of shrinkScenario(current)) {
      const key = JSON.stringify(candidate);
      if (judged.has(key)) continue;
      if (candidates >= options.maxCandidates)
        return { scenario: current, witness, candidates, steps, limit: 'candidates' };
      if (nowMs() > deadline) return { scenario: current, witness, candidates, steps, limit: 'time' };
      candidates++;
      const w = await stillFails(candidate);
      judged.set(key, w !== undefined);
      if (w !== undefined) {
        current = candidate;
        witness = w;
        steps++;
        moved = true;
      }
      report();
      if (moved) break;
    }
    if (!moved) return { scenario: current, witness, candidates, steps };
  }
}
