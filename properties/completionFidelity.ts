/**
 * completion-fidelity: each WR gets exactly one completion; SUCCESS only if it took effect
 * (before the completion was delivered); returned values (READ data, atomic old value, RECV
 * payload) are ones the effect produced. Error completions are indeterminate: they claim nothing
 * about the effect, so only their number is judged.
 */
import type { Execution } from '../src/core/execution';
import type { Verdict } from '../src/core/property';
import { isAtomic } from '../src/core/verbs';
import { appRecvs, appWrs, lacksBuffer, validAddress } from './support/history';
import type { AppRecv, AppWr } from './support/history';
import { describeRecv, describeWr, fmtTime } from './support/describe';
import { runEndClause } from './support/runEnd';
import { defineProperty } from './support/safe';

/** The completion-fidelity property. */
export const completionFidelity = defineProperty(
  'completion-fidelity',
  'each WR completes exactly once; SUCCESS only after its effect, with the values the effect produced',
  (run) => {
    const exact = run.adapter.capabilities.observesExecution === 'exact';
    const recvs = appRecvs(run.trace);
    for (const w of appWrs(run.trace)) {
      const v = checkWr(run, w, exact, recvs);
      if (v) return v;
    }
    for (const r of recvs) {
      const v = checkRecv(run, r);
      if (v) return v;
    }
    if (!exact) {
      return {
        status: 'unknown',
        reason: `completion-fidelity: the ${run.adapter.name} adapter infers execution, so "SUCCESS only if it took effect" cannot be judged`,
      };
    }
    return { status: 'holds' };
  },
);

function checkWr(run: Execution, w: AppWr, exact: boolean, recvs: AppRecv[]): Verdict | undefined {
  const name = describeWr(w.host, w.wr);
  if (w.deliveries.length > 1) {
    const [a, b] = w.deliveries;
    return {
      status: 'violated',
      explanation: `${name} was completed ${w.deliveries.length} times: ${a.wc.status} at t=${fmtTime(a.t)} and ${b.wc.status} at t=${fmtTime(b.t)}; the application must get exactly one completion.`,
      events: [w.post.i, a.i, b.i],
    };
  }
  const d = w.deliveries[0];
  if (!d) return missingCompletion(run, w, recvs);
  if (d.wc.status !== 'SUCCESS' || !exact) return undefined;
  const before = w.effects.filter((e) => e.i < d.i);
  if (before.length === 0) {
    const later = w.effects[0];
    return {
      status: 'violated',
      explanation: later
        ? `${name} was reported SUCCESS at t=${fmtTime(d.t)} before it took effect at ${w.peer} (t=${fmtTime(later.t)}): a completion must follow the effect.`
        : `${name} was reported SUCCESS at t=${fmtTime(d.t)} but never took effect at ${w.peer}.`,
      events: later ? [w.post.i, d.i, later.i] : [w.post.i, d.i],
    };
  }
  return checkValue(w, d, before);
}

/** The value a SUCCESS completion returns must be one some execution of the WR produced. */
function checkValue(w: AppWr, d: AppWr['deliveries'][number], effects: AppWr['effects']): Verdict | undefined {
  const op = w.wr.opcode;
  if (op !== 'READ' && !isAtomic(op)) return undefined;
  const produced = effects
    .map((e) => (e.kind === 'MemOp' ? e.old : op === 'READ' ? e.value : e.old))
    .filter((x): x is number => x !== undefined);
  if (produced.includes(d.wc.value as number)) return undefined;
  return {
    status: 'violated',
    explanation:
      `${describeWr(w.host, w.wr)} returned ${String(d.wc.value)} at t=${fmtTime(d.t)}, but its execution at ${w.peer} ` +
      `${op === 'READ' ? 'read' : 'found the old value'} ${produced.join(' or ')}: the completion lies about the result.`,
    events: [w.post.i, effects[0].i, d.i],
  };
}

/** No completion at all: a violation once the run is over, unless the WR could never complete. */
function missingCompletion(run: Execution, w: AppWr, recvs: AppRecv[]): Verdict | undefined {
  if (w.wr.signaled === false || run.end.reason === 'event-limit') return undefined;
  if (!validAddress(w.wr, run.config.memoryWords)) return undefined;
  if (lacksBuffer(w, appWrs(run.trace), recvs)) return undefined;
  const end = run.trace[run.trace.length - 1];
  return {
    status: 'violated',
    explanation: `${describeWr(w.host, w.wr)} never completed, so the application waits forever: ${runEndClause(run)}.`,
    events: [w.post.i, end.i],
  };
}

function checkRecv(run: Execution, r: AppRecv): Verdict | undefined {
  const name = describeRecv(r.host, r.id);
  if (r.deliveries.length > 1) {
    const [a, b] = r.deliveries;
    return {
      status: 'violated',
      explanation: `${name} was completed ${r.deliveries.length} times (${a.wc.status} at t=${fmtTime(a.t)}, ${b.wc.status} at t=${fmtTime(b.t)}); a buffer gets exactly one completion.`,
      events: [r.post.i, a.i, b.i],
    };
  }
  const d = r.deliveries[0];
  if (!d || d.wc.status !== 'SUCCESS') return undefined;
  const c = r.consumptions.find((x) => x.i < d.i);
  if (!c) {
    // The layer may receive into its own buffers and copy; then only the payload can be judged.
    const layerReceived = run.trace.some(
      (e) => e.kind === 'RecvConsumed' && e.host === r.host && e.recvWr < 0 && e.i < d.i,
    );
    if (layerReceived) return undefined;
    return {
      status: 'violated',
      explanation: `${name} was reported SUCCESS at t=${fmtTime(d.t)} but no message was ever received into it.`,
      events: [r.post.i, d.i],
    };
  }
  const valueWrong = c.value !== undefined && d.wc.value !== c.value;
  const immWrong = c.imm !== undefined && d.wc.imm !== c.imm;
  if (!valueWrong && !immWrong) return undefined;
  return {
    status: 'violated',
    explanation:
      `${name} received ${c.value !== undefined ? `payload ${c.value}` : ''}${c.imm !== undefined ? ` imm ${c.imm}` : ''} at t=${fmtTime(c.t)} ` +
      `but its completion reported ${d.wc.value !== undefined ? `payload ${d.wc.value}` : 'no payload'}${d.wc.imm !== undefined ? ` imm ${d.wc.imm}` : ''}.`,
    events: [c.i, d.i],
  };
}
