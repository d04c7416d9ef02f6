/**
 * at-most-once: every WR the application posted takes effect at the responder at most once,
 * counted across all paths. A retransmission inside one QP (a PSN duplicate) is not a second
 * effect: the responder NIC recognises it and does not execute it again. A READ has no effect on
 * memory, nor has a CMP_SWAP whose compare failed: only a successful swap takes effect (the
 * paper's "CAS double success"). Their results are judged by linearizability and
 * completion-fidelity. An effect the peer's layer performed itself counts when the layer
 * attributed it with `forWr` (a memory operation, or the delivery of a message into a RECV); a
 * delivery that completes what the NIC or the layer already did for that WR (a WRITE_WITH_IMM's
 * write, a message relayed from the layer's own buffer) is the same execution, not a second one.
 */
import type { Trace } from '../src/core/trace';
import { sharedAppWrs, executionsOf } from './support/history';
import type { AppWr, EffectEvent } from './support/history';
import { describeRecv, describeWr, fmtTime } from './support/describe';
import { defineProperty } from './support/safe';

/** The at-most-once property. */
export const atMostOnce = defineProperty(
  'at-most-once',
  'every application WR takes effect at the responder at most once, across all paths',
  (run) => {
    for (const w of sharedAppWrs(run.trace)) {
      const effects = executionsOf(w).filter((e) => takesEffect(w, e));
      if (w.wr.opcode === 'READ' || effects.length < 2) continue;
      const [first, second] = effects;
      const cause = causeOfSecond(run.trace, w, first, second);
      return {
        status: 'violated',
        explanation:
          `${describeWr(w.host, w.wr)} ${w.wr.opcode === 'CMP_SWAP' ? 'succeeded' : 'executed'} ${times(effects.length)} at ${w.peer}: ` +
          `${how(first)} at t=${fmtTime(first.t)} and ${how(second)} at t=${fmtTime(second.t)}` +
          `${cause.text ? `; ${cause.text}` : ''}.`,
        events: [w.post.i, first.i, ...cause.events, second.i].sort((a, b) => a - b),
      };
    }
    return { status: 'holds' };
  },
);

/** A CMP_SWAP takes effect only when its compare matched; every other execution does. */
function takesEffect(w: AppWr, e: EffectEvent): boolean {
  if (w.wr.opcode !== 'CMP_SWAP' || e.kind === 'Deliver') return true;
  return e.old === (e.kind === 'MemOp' ? e.compare : (w.wr.compare ?? 0));
}

function times(n: number): string {
  return n === 2 ? 'twice' : `${n} times`;
}

function how(e: EffectEvent): string {
  if (e.kind === 'Execute') return `via path ${e.path}`;
  if (e.kind === 'Deliver') return `delivered into ${describeRecv(e.host, e.wc.wrId)} by ${e.host}'s layer`;
  return `by ${e.host}'s layer (${e.op})`;
}

/** Why the layer executed the WR again, in the paper's words, with the events that show it. */
function causeOfSecond(
  trace: Trace,
  w: AppWr,
  first: EffectEvent,
  second: EffectEvent,
): { text: string; events: number[] } {
  if (first.kind !== 'Execute') return { text: '', events: [] };
  const between = trace.slice(first.i + 1, second.i);
  const ackLost = between.find((e) => e.kind === 'AckLost' && e.wr === w.wr.id && e.path === first.path);
  if (ackLost) return { text: 'the ACK of the first execution was lost', events: [ackLost.i] };
  const acked = between.find(
    (e) => e.kind === 'Ack' && e.host === w.host && e.wr === w.wr.id && e.path === first.path && !e.nak,
  );
  if (acked) return { text: 'the layer re-posted it although the first execution was acknowledged', events: [acked.i] };
  const fault = between.find((e) => e.kind === 'Fault' && e.phase === 'begin');
  if (fault && fault.kind === 'Fault')
    return { text: `the first execution's ACK never came back (${fault.what})`, events: [fault.i] };
  return { text: "the first execution's ACK never reached the requester", events: [] };
}
