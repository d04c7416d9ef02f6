/**
 * Layer faults (a layer method that threw, or a call the LayerEnv contract refused) are findings
 * in their own right, and usually the cause of the violation that follows them: a throwing
 * onCompletion shows up as "WR 1 never completed". So a violated verdict names them first, and
 * they join its witness events, wherever the verdict is shown (audit, jest, replay, renderings).
 */
import type { Verdict } from '../core/property';
import type { Trace, TraceEvent } from '../core/trace';
import type { Report } from '../core/results';

type LayerFaultEvent = Extract<TraceEvent, { kind: 'LayerFault' }>;
type Violated = Extract<Verdict, { status: 'violated' }>;

/** The LayerFault events of a trace, in order. */
export function layerFaultsOf(trace: Trace): LayerFaultEvent[] {
  return trace.filter((e): e is LayerFaultEvent => e.kind === 'LayerFault');
}

/** One sentence naming the layer faults of `trace` (undefined when there are none). */
export function layerFaultSentence(trace: Trace): string | undefined {
  const faults = layerFaultsOf(trace);
  if (faults.length === 0) return undefined;
  const [first] = faults;
  const where = faults.length === 1 ? `event ${first.i}` : `events ${faults.map((e) => e.i).join(', ')}`;
  const others = faults.length === 1 ? '' : ` (the first of ${faults.length})`;
  return (
    `LAYER FAULT: layer ${first.host} broke the LayerEnv contract at ${where}: during ${first.during}, ` +
    `${first.reason}${others}; fix this first, the violation below may only be its consequence.`
  );
}

/**
 * The verdict with the trace's layer faults named at the head of its explanation and added to its
 * witness events (sorted). Holds and unknown verdicts, and traces without faults, pass unchanged.
 */
export function withLayerFaults<V extends Verdict>(verdict: V, trace: Trace): V {
  if (verdict.status !== 'violated') return verdict;
  const sentence = layerFaultSentence(trace);
  if (sentence === undefined || verdict.explanation.startsWith('LAYER FAULT:')) return verdict;
  const events = [...new Set([...verdict.events, ...layerFaultsOf(trace).map((e) => e.i)])].sort((a, b) => a - b);
  return { ...(verdict as Violated), explanation: `${sentence} ${verdict.explanation}`, events } as V;
}

/**
 * One line for an audit's summary when some counterexamples show layer faults: how many, and
 * that they come first. Undefined when none does.
 */
export function layerFaultSummary(report: Report): string | undefined {
  const faulted = report.results.filter(
    (r) => r.opcode !== undefined && r.counterexample !== undefined && layerFaultsOf(r.counterexample.trace).length > 0,
  );
  if (faulted.length === 0) return undefined;
  const cells = faulted.map((r) => `${r.property} [${r.opcode}]`).join(', ');
  return (
    `the layer faulted (broke the LayerEnv contract) in ${faulted.length} counterexample${faulted.length === 1 ? '' : 's'}: ` +
    `${cells}; fix the layer faults first`
  );
}
