/**
 * Targeted shapes (issue 18): situations real deployments meet that independent draws of ops,
 * faults and third parties combine only by luck (one run in hundreds or thousands), planted in a
 * draft now and then. Each is drawn by its own sub-key of the draft's last key (`targeted`), so
 * that every earlier draw of a draft, and so every scenario where no shape fires, stays as it was.
 * The contended word and write-then-notify add one fault and fire only in a draft with room for
 * it (fewer than maxFaults), so that no drawn fault is replaced; the congested backup brings three
 * faults that are one event (withCongestedBackup) and takes the place of drafted ones beyond
 * maxFaults. Every shape keeps the conversion total: it names only WRs and paths that exist
 * (paths >= 2 always; a shape needing more ops than the draft has does nothing).
 */
import fc from 'fast-check';
import type { FaultKind } from '../core/scenario';
import type { Opcode } from '../core/verbs';
import { OUT_OF_RANGE_ADDR, rawFaultOf } from './draft';
import type { Draft } from './draft';
import { MESSAGE_OPCODES, rarely } from './draw-vocabulary';

/** One scenario in CONTENTION_ODDS of a column with a WRITE or an atomic plants a contended word. */
export const CONTENTION_ODDS = 8;
/** One scenario in NOTIFY_ODDS of a column with WRITEs and messages plants a write-then-notify. */
export const NOTIFY_ODDS = 8;

/** One scenario in CONGESTION_ODDS of a column with messages plants a congested backup. */
export const CONGESTION_ODDS = 8;
/** A congested link's queueing delay (PFC pauses, incast): a few hundred microseconds. */
const CONGESTION_DELAY_NS = { min: 150_000, max: 400_000 };
/** A deployment's NIC timeout (16.8 ms to 4.3 s per timer), as REALISTIC_TIMEOUTS in arbitraries.ts. */
const DEPLOYMENT_TIMEOUTS = { min: 12, max: 20 };
/** The faults a congested backup brings. */
const CONGESTION_FAULTS = 3;

/** What the draft's `targeted` key draws: which shapes fire in this scenario. */
export interface TargetedDraws {
  /**
   * A contended word (raw WR reference, or undefined: none). Another client does to the WR's word
   * what the WR does, at the moment the WR is sent: two clients bumping one counter by the same
   * step (a ticket or reference count's +1), taking one lock word with the same CAS 0->1, or
   * setting one status word to the same value; and the WR's own requests are lost on the default
   * path. Read back, the word then looks as if the WR executed when it never did (Theorem 3).
   */
  contended: number | undefined;
  /**
   * Write-then-notify: the draft's last two ops become an unsignaled WRITE (the data) and a
   * signaled message right behind it (the notification, one completion for both: selective
   * signaling, the classic RDMA idiom), and the default link's return direction (B to A) fails
   * as the notification is sent, so both execute and neither is acknowledged. The value: the
   * notification's op class when the last op is not a message (one the column draws); undefined: none.
   */
  notify: 'SEND' | 'WRITE_WITH_IMM' | undefined;
  /** A congested backup (withCongestedBackup): its ACK delay and the deployment's timeout; undefined: none. */
  congested: { delayNs: number; timeout: number } | undefined;
}

const WORD_OPCODES: readonly Opcode[] = ['WRITE', 'FETCH_ADD', 'CMP_SWAP'];

/**
 * The draws of the targeted shapes for a column of these op classes and fault kinds: a shape that
 * needs an op class the column lacks, or plants a fault of a kind the audit does not draw (an
 * adapter that cannot inject it, or the caller's faultKinds), is never drawn (a constant), so that
 * column's scenarios do not change.
 */
export function targetedDraws(
  opcodes: readonly Opcode[],
  maxOps: number,
  faultKinds: readonly FaultKind[],
): fc.Arbitrary<TargetedDraws> {
  const has = (set: readonly Opcode[]) => opcodes.some((o) => set.includes(o));
  const messages = MESSAGE_OPCODES.filter((o) => opcodes.includes(o));
  const drawn = (...kinds: FaultKind[]) => kinds.every((k) => faultKinds.includes(k));
  return fc.record({
    contended:
      has(WORD_OPCODES) && drawn('drop-request')
        ? rarely(CONTENTION_ODDS, fc.integer({ min: 1, max: maxOps }))
        : fc.constant(undefined),
    notify:
      opcodes.includes('WRITE') && messages.length > 0 && drawn('link-down')
        ? rarely(NOTIFY_ODDS, fc.constantFrom(...messages))
        : fc.constant(undefined),
    congested:
      has(MESSAGE_OPCODES) && drawn('drop-request', 'delay')
        ? rarely(
            CONGESTION_ODDS,
            fc.record({
              delayNs: fc.integer(CONGESTION_DELAY_NS),
              timeout: fc.integer(DEPLOYMENT_TIMEOUTS),
            }),
          )
        : fc.constant(undefined),
  });
}

/** The draft with the targeted shapes its `targeted` key drew (none drawn: the draft itself). */
export function withTargetedShapes<D extends Draft>(d: D, maxFaults: number): D {
  const t = d.targeted;
  if (t === undefined) return d;
  let out: Draft = d;
  // Each shape adds a fault: it fires only while the draft has room for one.
  if (t.contended !== undefined && out.faults.length < maxFaults) out = withContendedWord(out, t.contended);
  if (t.notify !== undefined && out.faults.length < maxFaults) out = withWriteThenNotify(out, t.notify);
  if (t.congested !== undefined && maxFaults >= CONGESTION_FAULTS)
    out = withCongestedBackup(out, t.congested, maxFaults);
  // Each shape spreads the draft it is given, so the keys a D has beyond Draft (the field draws) survive.
  return out as D;
}

/** A third party mimicking WR `ref` as it is sent, and WR `ref`'s requests lost on the default path. */
function withContendedWord(d: Draft, ref: number): Draft {
  const k = (ref - 1) % d.ops.length;
  if (!WORD_OPCODES.includes(d.ops[k].opcode)) return d;
  const after = { on: 'send' as const, wr: k + 1, nth: 1 };
  const mimic: Draft['third'][number] = {
    op: 'WRITE',
    addr: 0,
    value: 0,
    add: 1,
    compare: 0,
    swap: 0,
    after,
    mode: 'mimic',
  };
  const lost = rawFaultOf({ kind: 'drop-request', path: 0, wr: k + 1, count: 'all' });
  return { ...d, third: [...d.third, mimic], faults: [...d.faults, lost] };
}

/** The last two ops as an unsignaled WRITE and a message posted right behind it; B to A fails on path 0. */
function withWriteThenNotify(d: Draft, message: 'SEND' | 'WRITE_WITH_IMM'): Draft {
  const n = d.ops.length;
  if (n < 2) return d;
  const data = d.ops[n - 2];
  const note = d.ops[n - 1];
  const ops = [
    ...d.ops.slice(0, n - 2),
    { ...inRange(data), opcode: 'WRITE' as const, unsignaled: true },
    {
      ...inRange(note),
      opcode: (MESSAGE_OPCODES as readonly Opcode[]).includes(note.opcode) ? note.opcode : message,
      afterPrevious: false,
    },
  ];
  const down = rawFaultOf({
    kind: 'link-down',
    path: 0,
    linkDirection: 'b-to-a',
    after: { on: 'send', wr: n, nth: 1 },
  });
  return { ...d, ops, faults: [...d.faults, down] };
}

/** The op with an address in the memory: the shape is about the failover, not a bad address. */
function inRange(o: Draft['ops'][number]): Draft['ops'][number] {
  return o.addr === OUT_OF_RANGE_ADDR ? { ...o, addr: 0 } : o;
}

/**
 * A congested backup: the default path fails (one WR's requests lost there), and the backup,
 * which now carries the failed-over traffic, is congested: its ACKs queue for `delayNs`, and the
 * last message's request is lost once there (a tail loss: no later packet reveals the gap, so
 * only the retransmission timer recovers it). The application keeps two messages outstanding and
 * posts the next when the oldest completes (a window of two): op 2 waits for op 1, op 3 does not,
 * the three signaled. Such delays leave a link usable only under a deployment's timers (a
 * retransmission timer of milliseconds, and retries), so the shape runs at a deployment's timeout
 * and at least one retry. The failure and the congestion are one event, so the shape brings its
 * three faults together: they take the place of the drafted faults beyond maxFaults.
 */
function withCongestedBackup(d: Draft, c: { delayNs: number; timeout: number }, maxFaults: number): Draft {
  if (d.ops.length < 3) return d;
  const ops = d.ops.map((o, k) => (k < 3 ? { ...o, unsignaled: false, afterPrevious: k === 1 } : o));
  const failing = rawFaultOf({ kind: 'drop-request', path: 0, wr: 1, count: 'all' });
  const queued = rawFaultOf({
    kind: 'delay',
    path: 1,
    anyWr: true,
    direction: 'response',
    count: 'all',
    delayNs: c.delayNs,
  });
  const tail = rawFaultOf({ kind: 'drop-request', path: 1, wr: 3, count: 1 });
  return {
    ...d,
    ops,
    retryCnt: Math.max(1, d.retryCnt),
    realisticTimeout: d.realisticTimeout ?? c.timeout,
    faults: [...d.faults.slice(0, maxFaults - CONGESTION_FAULTS), failing, queued, tail],
  };
}
