/**
 * Replay before report for a layer from a module path: besides the checker's two re-runs in the
 * audit's worker, each counterexample is re-run in a fresh worker (./replay-worker), where state
 * the layer kept at module level across runs is gone. A trace that differs there is reported as
 * a sender-view-determinism violation (src/check/report-replayed).
 */
import type { Report } from '../core/results';
import type { Trace } from '../core/trace';
import type { Scenario } from '../core/scenario';
import { applyMismatch } from '../check/report-replayed';
import { compareTraces } from '../check/reproduce';
import { STOPPED_PREFIX } from '../check/contained/contain';
import type { LayerSpec } from './load-layer';
import { startWorker } from './start-worker';
import type { FreshReplayRequest } from './replay-worker';

/** `report` after each counterexample was replayed in a fresh worker (within `limitMs` each). */
export async function replayInFreshWorkers(report: Report, layer: LayerSpec, limitMs: number): Promise<Report> {
  let results = report.results;
  for (const r of report.results) {
    const cx = r.counterexample;
    if (!cx) continue;
    // A run a limit stopped would only hit its limit again, here with no watchdog but the wall clock.
    if (wasStopped(cx.trace)) continue;
    const trace = await runFresh({ layer, scenario: cx.scenario }, limitMs);
    if (trace === undefined) continue; // the fresh worker could not run it: nothing to compare
    const m = compareTraces(cx.trace, trace, 'a fresh worker, where state kept at module level starts empty');
    if (!m) continue;
    const cell = results.filter((x) => x.opcode === r.opcode);
    const replaced = applyMismatch(cell, r, m);
    results = results.map((x) => (x.opcode === r.opcode ? replaced[cell.indexOf(x)] : x));
  }
  const ok = results.every((x) => x.status !== 'violated');
  return { ...report, ok, results };
}

/** The trace of `scenario` run in a fresh worker, or undefined when it failed or took too long. */
function runFresh(request: FreshReplayRequest, limitMs: number): Promise<Trace | undefined> {
  return new Promise((resolve) => {
    const worker = startWorker('replay-worker', request satisfies { scenario: Scenario });
    const done = (t: Trace | undefined) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(t);
    };
    const timer = setTimeout(() => done(undefined), limitMs);
    worker.on('message', (m: { type: string; trace?: Trace }) => done(m.type === 'trace' ? m.trace : undefined));
    worker.on('error', () => done(undefined));
    worker.on('exit', () => done(undefined));
  });
}

/** True when the run was stopped by a containment limit (its LayerFault says so). */
export function wasStopped(trace: Trace): boolean {
  return trace.some((e) => e.kind === 'LayerFault' && e.reason.startsWith(STOPPED_PREFIX));
}
