/**
 * Which of a run's scenario faults the run reached: an adapter that can tell records it beside
 * the Execution (a side table, so the Execution itself and everything written from it stay as
 * they are). A fault not reached never acted, and a run that differs from this one only in such
 * faults is this run, event for event, up to the first place one of them could act: the
 * sender-view-determinism twin check uses this to skip a twin that would be the run itself.
 */
import type { Execution } from './execution';

const reachedByRun = new WeakMap<Execution, readonly boolean[]>();

/**
 * Records, per index of run.scenario.faults, whether the run reached that fault: a packet fault,
 * when a packet of either direction passed its filter (path, host, WR) where faults are applied;
 * an event fault, when its anchor fired.
 */
export function recordFaultsReached(run: Execution, reached: readonly boolean[]): void {
  reachedByRun.set(run, reached);
}

/** What recordFaultsReached said of `run`, or undefined when its adapter did not say. */
export function faultsReached(run: Execution): readonly boolean[] | undefined {
  return reachedByRun.get(run);
}
