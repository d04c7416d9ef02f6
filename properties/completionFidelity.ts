/**
 * completion-fidelity: each WR gets exactly one completion; SUCCESS only if it took effect
 * (before the completion was delivered); returned values (READ data, atomic old value, RECV
 * payload) are ones the effect produced. Error completions are indeterminate: they claim nothing
 * about the effect, so only their number is judged.
 */
import type { Execution } from '../src/core/execution';
import type { Verdict } from '../src/core/property';
import { consumesRecv, isAtomic } from '../src/core/verbs';
import type { WorkCompletion } from '../src/core/verbs';
import { sharedAppRecvs, sharedAppWrs, lacksBuffer, validAddress } from './support/history';
import type { AppRecv, AppWr } from './support/history';
import { attributionHint, deliveryHint } from './support/attribution';
import { describeRecv, describeWr, fmtTime } from './support/describe';
import { runEndClause } from './support/runEnd';
import { defineProperty } from './support/safe';

/** The completion-fidelity property. */
export const completionFidelity = defineProperty(
  'completion-fidelity',
  'each WR completes exactly once; SUCCESS only after its effect, with the values the effect produced',
  (run) => {
    const exact = run.adapter.capabilities.observesExecution === 'exact';
    const recvs = sharedAppRecvs(run.trace);
    const wrs = sharedAppWrs(run.trace);
    for (const w of wrs) {
      const v = checkWr(run, w, exact, wrs, recvs);
      if (v) return v;
    }
    for (const r of recvs) {
      const v = checkRecv(run, r, wrs);
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

function checkWr(
  run: Execution,
  w: AppWr,
  exact: boolean,
  wrs: readonly AppWr[],
  recvs: readonly AppRecv[],
): Verdict | undefined {
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
  if (!d) return missingCompletion(run, w, wrs, recvs);
  if (d.wc.status !== 'SUCCESS' || !exact) return undefined;
  const before = w.effects.filter((e) => e.i < d.i);
  if (before.length === 0) {
    const later = w.effects[0];
    if (later)
      return {
        status: 'violated',
        explanation: `${name} was reported SUCCESS at t=${fmtTime(d.t)} before it took effect at ${w.peer} (t=${fmtTime(later.t)}): a completion must follow the effect.`,
        events: [w.post.i, d.i, later.i],
      };
    const hint = attributionHint(run.trace, w, d.i);
    return {
      status: 'violated',
      explanation: `${name} was reported SUCCESS at t=${fmtTime(d.t)} but never took effect at ${w.peer}.${hint.text}`,
      events: [w.post.i, ...hint.events, d.i],
    };
  }
  return checkValue(w, d, before);
}

/** The value a SUCCESS completion returns must be one some execution of the WR produced. */
function checkValue(w: AppWr, d: AppWr['deliveries'][number], effects: AppWr['effects']): Verdict | undefined {
  const op = w.wr.opcode;
  if (op !== 'READ' && !isAtomic(op)) return undefined;
  const produced = effects
    .map((e) => (e.kind === 'Deliver' ? undefined : e.kind === 'MemOp' ? e.old : op === 'READ' ? e.value : e.old))
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
function missingCompletion(
  run: Execution,
  w: AppWr,
  wrs: readonly AppWr[],
  recvs: readonly AppRecv[],
): Verdict | undefined {
  if (w.wr.signaled === false || run.end.reason === 'event-limit') return undefined;
  if (!validAddress(w.wr, run.config.memoryWords)) return undefined;
  // (lacksBuffer finds `w` among `wrs` by identity: both must come from the same appWrs call.)
  if (lacksBuffer(w, wrs, recvs)) return undefined;
  const end = run.trace[run.trace.length - 1];
  return {
    status: 'violated',
    explanation: `${describeWr(w.host, w.wr)} never completed, so the application waits forever: ${runEndClause(run)}.`,
    events: [w.post.i, end.i],
  };
}

function checkRecv(run: Execution, r: AppRecv, wrs: readonly AppWr[]): Verdict | undefined {
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
    if (d.forWr !== undefined) return checkAttributedRecv(r, d, wrs);
    // The layer may receive into its own buffers and copy; then only the payload can be judged.
    const layerReceived = run.trace.some(
      (e) => e.kind === 'RecvConsumed' && e.host === r.host && e.recvWr < 0 && e.i < d.i,
    );
    if (layerReceived) return undefined;
    const candidates = messagesTo(r, wrs).filter((m) => carries(m, d.wc));
    return {
      status: 'violated',
      explanation:
        `${name} was reported SUCCESS at t=${fmtTime(d.t)} but no message was ever received into it.` +
        deliveryHint(candidates),
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

/**
 * A RECV completion the receiver's layer attributed to the peer's WR `forWr`: that WR must be a
 * message of the peer's application, and the completion must carry its payload and imm.
 */
function checkAttributedRecv(r: AppRecv, d: AppRecv['deliveries'][number], wrs: readonly AppWr[]): Verdict | undefined {
  const name = describeRecv(r.host, r.id);
  const msg = messagesTo(r, wrs).find((m) => m.wr.id === d.forWr);
  if (!msg) {
    return {
      status: 'violated',
      explanation:
        `${name} was reported SUCCESS at t=${fmtTime(d.t)} with the message of WR ${String(d.forWr)}, ` +
        `but the application of ${r.host === 'A' ? 'B' : 'A'} posted no SEND or WRITE_WITH_IMM with that id: a completion must carry a message that was sent.`,
      events: [r.post.i, d.i],
    };
  }
  if (carries(msg, d.wc)) return undefined;
  return {
    status: 'violated',
    explanation:
      `${name} was reported SUCCESS at t=${fmtTime(d.t)} with the message of ${describeWr(msg.host, msg.wr)}, but its completion ` +
      `reported ${d.wc.value !== undefined ? `payload ${d.wc.value}` : 'no payload'}${d.wc.imm !== undefined ? ` imm ${d.wc.imm}` : ' no imm'}: the completion lies about the message.`,
    events: [msg.post.i, d.i],
  };
}

/** The peer application's messages (SEND, WRITE_WITH_IMM) addressed to `r`'s host. */
function messagesTo(r: AppRecv, wrs: readonly AppWr[]): AppWr[] {
  return wrs.filter((m) => m.peer === r.host && consumesRecv(m.wr.opcode));
}

/** True when `wc` carries message `m` as the NIC would: a SEND's payload, and its imm. */
function carries(m: AppWr, wc: WorkCompletion): boolean {
  const payload = m.wr.opcode === 'SEND' ? m.wr.value : undefined;
  return wc.value === payload && wc.imm === m.wr.imm;
}
