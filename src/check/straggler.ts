/**
 * A straggling chunk (issue 18): a message striped over A's paths whose packet on the default
 * path is lost once (a congestion discard, a CRC drop: the QP stays healthy and will retransmit),
 * while A's QP on path 1 goes to the error state as the message is sent (a local error, or its
 * port's fatal event resetting its QPs), flushing its part with an error completion at once.
 * A layer that fails over on the error sees one part of the message failed and the other not yet
 * acknowledged: it must tell "not executed" from "not executed yet" (the lost packet comes back
 * with its QP's retransmission). Multipath layers meet it whenever one port fails while the
 * other drops a packet, which is what a failing port's neighbourhood (the same switch, the same
 * congestion) makes likely; independent draws combine the two only by luck (one run in hundreds).
 * Drawn by the draft's last key (`straggler`), after `targeted`, so that every earlier draw of
 * a draft, and so every scenario where it does not fire, stays as it was.
 */
import fc from 'fast-check';
import type { FaultKind } from '../core/scenario';
import type { Opcode } from '../core/verbs';
import { OUT_OF_RANGE_ADDR, rawFaultOf } from './draft';
import type { Draft } from './draft';
import { MESSAGE_OPCODES, rarely } from './draw-vocabulary';

/** One scenario in STRAGGLER_ODDS of a column with messages plants a straggling chunk. */
export const STRAGGLER_ODDS = 8;
/** The faults a straggling chunk brings: the lost packet and the failing QP. */
const STRAGGLER_FAULTS = 2;

/** What the draft's `straggler` key draws: the message (raw WR reference) and its op class; undefined: none. */
export type StragglerDraw = { wr: number; message: 'SEND' | 'WRITE_WITH_IMM' } | undefined;

/**
 * The straggler draw for a column of these op classes and fault kinds: a column without messages,
 * or an audit that draws no lost requests or no QP errors, never draws it (a constant), so that
 * its scenarios do not change.
 */
export function stragglerDraw(
  opcodes: readonly Opcode[],
  maxOps: number,
  faultKinds: readonly FaultKind[],
): fc.Arbitrary<StragglerDraw> {
  const messages = MESSAGE_OPCODES.filter((o) => opcodes.includes(o));
  const drawn = faultKinds.includes('drop-request') && faultKinds.includes('qp-error');
  if (messages.length === 0 || !drawn) return fc.constant(undefined);
  return rarely(
    STRAGGLER_ODDS,
    fc.record({ wr: fc.integer({ min: 1, max: maxOps }), message: fc.constantFrom(...messages) }),
  );
}

/**
 * The draft with a straggling chunk when its `straggler` key drew one (else the draft itself):
 * op `wr` (a message of the drawn class when it is not one) loses its first request packet on
 * path 0, and A's QP on path 1 fails as that packet is sent. The two faults are one event for
 * the layer, so they take the place of the drafted ones beyond maxFaults (the earlier ones stay).
 * Total: it names only an op and paths every draft has (paths >= 2); with maxFaults < 2, nothing.
 */
export function withStragglingChunk<D extends Draft & { straggler?: StragglerDraw }>(d: D, maxFaults: number): D {
  const s = d.straggler;
  if (s === undefined || maxFaults < STRAGGLER_FAULTS) return d;
  const k = (s.wr - 1) % d.ops.length;
  const op = d.ops[k];
  const message = (MESSAGE_OPCODES as readonly Opcode[]).includes(op.opcode) ? op.opcode : s.message;
  const ops = d.ops.map((o, i) =>
    i === k ? { ...o, opcode: message, addr: o.addr === OUT_OF_RANGE_ADDR ? 0 : o.addr } : o,
  );
  const lost = rawFaultOf({ kind: 'drop-request', path: 0, wr: k + 1, count: 1 });
  const failing = rawFaultOf({ kind: 'qp-error', path: 1, host: 'A', after: { on: 'send', wr: k + 1, nth: 1 } });
  return { ...d, ops, faults: [...d.faults.slice(0, maxFaults - STRAGGLER_FAULTS), lost, failing] };
}
