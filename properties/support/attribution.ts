/**
 * Effects a layer performs itself, in explanations: when a property sees the peer's layer do, on
 * its own CPU, what could have been an application WR's effect but without `forWr`, it says which
 * call attributes it (README, "Effects a layer performs itself"). Without the attribution the
 * properties cannot tell a layer's execution of a WR from its own bookkeeping.
 */
import type { Trace, TraceEvent } from '../../src/core/trace';
import type { SendWr } from '../../src/core/verbs';
import { consumesRecv } from '../../src/core/verbs';
import type { AppWr } from './history';
import { describeRecv, fmtTime } from './describe';

type Ev<K extends TraceEvent['kind']> = Extract<TraceEvent, { kind: K }>;

/** Where the README explains the attribution contract. */
export const ATTRIBUTION_DOC = 'README, "Effects a layer performs itself"';

/** The call(s) with which the peer's layer attributes its execution of `wr`: "env.memory.read(2, { forWr: 1 })". */
export function attributionCall(wr: SendWr): string {
  const forWr = `{ forWr: ${wr.id} }`;
  const deliver = `env.deliver(recvWc, ${forWr})`;
  switch (wr.opcode) {
    case 'READ':
      return `env.memory.read(${wr.addr}, ${forWr})`;
    case 'WRITE':
      return `env.memory.write(${wr.addr}, ${wr.value ?? 0}, ${forWr})`;
    case 'FETCH_ADD':
      return `env.memory.fetchAdd(${wr.addr}, ${wr.add ?? 0}, ${forWr})`;
    case 'CMP_SWAP':
      return `env.memory.cmpSwap(${wr.addr}, ${wr.compare ?? 0}, ${wr.swap ?? 0}, ${forWr})`;
    case 'SEND':
      return deliver;
    case 'WRITE_WITH_IMM':
      return wr.addr === undefined
        ? deliver
        : `env.memory.write(${wr.addr}, ${wr.value ?? 0}, ${forWr}) and ${deliver}`;
  }
}

/** The memory operation of the peer's layer that would execute `wr` (undefined: none, a message). */
function memOpOf(wr: SendWr): Ev<'MemOp'>['op'] | undefined {
  switch (wr.opcode) {
    case 'READ':
      return 'read';
    case 'WRITE':
    case 'WRITE_WITH_IMM':
      return wr.addr === undefined ? undefined : 'write';
    case 'FETCH_ADD':
      return 'fetchAdd';
    case 'CMP_SWAP':
      return 'cmpSwap';
    case 'SEND':
      return undefined;
  }
}

/**
 * The unattributed operations of `w.peer`'s layer between `w`'s post and trace index `before`
 * that could have been `w`'s execution: a memory operation of its kind on its word, or (for a
 * message) a SUCCESS RECV completion the layer delivered without naming whose message it was.
 */
export function unattributedFor(trace: Trace, w: AppWr, before: number): (Ev<'MemOp'> | Ev<'Deliver'>)[] {
  const op = memOpOf(w.wr);
  const message = consumesRecv(w.wr.opcode);
  const out: (Ev<'MemOp'> | Ev<'Deliver'>)[] = [];
  for (let k = w.post.i + 1; k < Math.min(before, trace.length); k++) {
    const e = trace[k];
    if (e.host !== w.peer) continue;
    if (e.kind === 'MemOp' && e.forWr === undefined && e.op === op && e.addr === w.wr.addr) out.push(e);
    else if (
      message &&
      e.kind === 'Deliver' &&
      e.forWr === undefined &&
      e.wc.opcode === 'RECV' &&
      e.wc.status === 'SUCCESS'
    )
      out.push(e);
  }
  return out;
}

/**
 * A sentence for a verdict on `w` that saw no effect of it: which unattributed operation of the
 * peer's layer (before `before`) may have been its execution, and the call that says so. Empty
 * when the peer's layer did nothing of the kind.
 */
export function attributionHint(trace: Trace, w: AppWr, before: number): { text: string; events: number[] } {
  const seen = unattributedFor(trace, w, before);
  if (seen.length === 0) return { text: '', events: [] };
  const first = seen[0];
  const what =
    first.kind === 'MemOp'
      ? `did memory.${first.op}(${first.addr}) at t=${fmtTime(first.t)}`
      : `delivered ${describeRecv(first.host, first.wc.wrId)} at t=${fmtTime(first.t)}`;
  const more = seen.length > 1 ? ` (and ${seen.length - 1} more such operation${seen.length > 2 ? 's' : ''})` : '';
  return {
    text:
      ` ${w.peer}'s layer ${what}${more} without forWr: if that executed this WR, attribute it with ` +
      `${attributionCall(w.wr)} (${ATTRIBUTION_DOC}).`,
    events: seen.slice(0, 3).map((e) => e.i),
  };
}

/**
 * A sentence for a RECV completion the layer delivered without forWr and that no message was seen
 * to fill: how to name the message. `candidates` are the peer's messages carrying the delivered
 * payload (the sender's WR id is then suggested when there is exactly one).
 */
export function deliveryHint(candidates: readonly AppWr[]): string {
  const id = candidates.length === 1 ? String(candidates[0].wr.id) : "<the sender's WR id>";
  return (
    ` If the receiver's layer received this message itself (over the control channel, or in its own ` +
    `buffers), it must name the sender's WR: env.deliver(recvWc, { forWr: ${id} }) (${ATTRIBUTION_DOC}).`
  );
}
