/**
 * The checker's replay before report (./reproduce): each counterexample of one op class is re-run
 * twice; a re-run that diverges makes sender-view-determinism violated on that op class, with the
 * diverging counterexample as its witness, and notes on the original result that it did not
 * reproduce.
 */
import type { Adapter } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import type { PropertyResult } from '../core/results';
import { makeCounterexample } from '../report/counterexample';
import { DETERMINISM_PROPERTY, divergenceVerdict, replayTwice } from './reproduce';
import type { ReplayMismatch } from './reproduce';

/** `results` (one op class), after every counterexample was replayed twice in this process. */
export async function replayBeforeReport(
  layer: FailoverLayer,
  adapter: Adapter,
  results: PropertyResult[],
): Promise<PropertyResult[]> {
  for (const r of results) {
    const cx = r.counterexample;
    if (!cx) continue;
    const mismatch = await replayTwice(adapter, layer, cx.scenario, cx.trace);
    if (mismatch) return applyMismatch(results, r, mismatch);
  }
  return results;
}

/**
 * Marks `source`'s counterexample as not reproducing and reports the divergence under
 * sender-view-determinism (replacing that property's result for the op class when it was judged).
 */
export function applyMismatch(results: PropertyResult[], source: PropertyResult, m: ReplayMismatch): PropertyResult[] {
  const cx = source.counterexample!;
  const verdict = divergenceVerdict(source.property, m);
  const note = `the counterexample did not reproduce when replayed (${m.where}); see ${DETERMINISM_PROPERTY}`;
  const finding: PropertyResult = {
    property: DETERMINISM_PROPERTY,
    ...(source.opcode ? { opcode: source.opcode } : {}),
    status: 'violated',
    runs: source.runs,
    counterexample: makeCounterexample({
      ...cx,
      property: DETERMINISM_PROPERTY,
      explanation: verdict.explanation,
      events: verdict.events,
      verdict,
    }),
  };
  return results.map((r) => {
    if (r === source) return { ...r, reason: r.reason ? `${r.reason}; ${note}` : note };
    if (r.property === DETERMINISM_PROPERTY && r.status !== 'violated') return finding;
    return r;
  });
}
