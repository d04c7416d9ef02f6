/**
 * A stale READ response (issue 18): a READ whose packets (its requests, or its responses) are
 * held in the network a little longer than the requester's whole retry cycle (a PFC pause storm,
 * a congested switch queue draining late), followed by a READ of another word posted once the
 * first one completes. The requester gives up on the first READ (RETRY_EXC_ERR), the layer
 * resets or replaces the path and reuses it, and the held response arrives at the new connection
 * while its own READ at that PSN is outstanding: the classic stale packet of a QP's previous
 * incarnation (why the IBTA asks for a fresh starting PSN on reconnect). A layer that resets only
 * its own end, or reuses PSNs, takes the old READ's response for the new READ's (another word's
 * value, of a READ the peer dropped as a duplicate). Independent draws combine a delay just past
 * the retry cycle, on one READ, with a later READ of another word only by luck (one READ run in
 * a few hundred). Drawn by the draft's last key (`staleResponse`), after `straggler`, so that
 * every earlier draw of a draft, and so every scenario where it does not fire, stays as it was.
 */
import fc from 'fast-check';
import type { FaultKind } from '../core/scenario';
import { ibTimerNs } from '../core/verbs';
import type { Opcode } from '../core/verbs';
import { OUT_OF_RANGE_ADDR, rawFaultOf } from './draft';
import type { Draft } from './draft';
import { rarely, WORKLOAD_WORDS } from './draw-vocabulary';

/** One scenario in STALE_RESPONSE_ODDS of a column with READs plants a stale READ response. */
export const STALE_RESPONSE_ODDS = 8;
/** How far past the retry cycle the READ's packets are held, in thousandths of that cycle. */
const PAST_CYCLE_PER_MILLE = { min: 200, max: 900 };
/**
 * The longest retry cycle the shape holds packets past: a congestion episode (a PFC pause storm,
 * a queue draining) holds a packet for microseconds to a millisecond or two, not for the seconds
 * of a deployment's retry cycle (a switch discards a packet queued beyond its lifetime).
 */
const MAX_HELD_CYCLE_NS = 1_000_000;

/** What the draft's `staleResponse` key draws: the held READ (raw WR reference), which packets, how long past the cycle; undefined: none. */
export type StaleResponseDraw =
  { wr: number; direction: 'request' | 'response'; pastCyclePerMille: number } | undefined;

/**
 * The stale-response draw for a column of these op classes and fault kinds: a column without
 * READs, or an audit that draws no delays, never draws it (a constant), so that its scenarios do
 * not change.
 */
export function staleResponseDraw(
  opcodes: readonly Opcode[],
  maxOps: number,
  faultKinds: readonly FaultKind[],
): fc.Arbitrary<StaleResponseDraw> {
  if (!opcodes.includes('READ') || !faultKinds.includes('delay') || maxOps < 2) return fc.constant(undefined);
  return rarely(
    STALE_RESPONSE_ODDS,
    fc.record({
      wr: fc.integer({ min: 1, max: maxOps - 1 }),
      direction: fc.constantFrom<'request' | 'response'>('request', 'response'),
      pastCyclePerMille: fc.integer(PAST_CYCLE_PER_MILLE),
    }),
  );
}

/**
 * The draft with a stale READ response when its `staleResponse` key drew one (else the draft
 * itself): op `wr` becomes a signaled READ, the op after it (appended when the draft has none) a
 * signaled READ of the next word posted once the first is delivered, and every packet of the
 * first READ's chosen direction, on any path, is delayed by the retry cycle and a share of it.
 * The delay takes the place of a drafted fault beyond maxFaults (the earlier ones stay).
 * Total: it names only ops that exist and in-range words; with maxFaults < 1, or a retry cycle
 * longer than a congestion episode (MAX_HELD_CYCLE_NS: a deployment's timeout), nothing.
 */
export function withStaleResponse<D extends Draft & { staleResponse?: StaleResponseDraw }>(d: D, maxFaults: number): D {
  const s = d.staleResponse;
  const cycleNs = (d.retryCnt + 1) * ibTimerNs(d.realisticTimeout ?? d.timeout);
  if (s === undefined || maxFaults < 1 || cycleNs > MAX_HELD_CYCLE_NS) return d;
  const base = d.ops.length >= 2 ? d.ops : [...d.ops, d.ops[d.ops.length - 1]];
  const k = (s.wr - 1) % (base.length - 1);
  const word = base[k].addr === OUT_OF_RANGE_ADDR ? 0 : base[k].addr;
  const ops = base.map((o, i) =>
    i === k
      ? { ...o, opcode: 'READ' as const, addr: word, unsignaled: false }
      : i === k + 1
        ? { ...o, opcode: 'READ' as const, addr: (word + 1) % WORKLOAD_WORDS, unsignaled: false, afterPrevious: true }
        : o,
  );
  const held = rawFaultOf({
    kind: 'delay',
    path: 0,
    anyPath: true,
    wr: k + 1,
    count: 'all',
    direction: s.direction,
    delayNs: cycleNs + Math.round((cycleNs * s.pastCyclePerMille) / 1000),
  });
  return { ...d, ops, faults: [...d.faults.slice(0, maxFaults - 1), held] };
}
