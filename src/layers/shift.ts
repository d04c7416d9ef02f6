/**
 * The SHIFT reference layer: createShift and the default `shift`. The instance is in
 * shiftInstance.ts, the options and their defaults in shiftOptions.ts, the documented audit in
 * shiftAudit.ts.
 */
import { defaultShiftName, shiftExpectedAudit, shiftRule } from './shiftAudit';
import { Shift } from './shiftInstance';
import { resolveShiftOptions } from './shiftOptions';
import type { ShiftOptions } from './shiftOptions';
import { describedLayer } from './types';
import type { ReferenceLayer } from './types';

export { SHIFT_CONTROL_MARK } from './shiftInstance';
export type { ShiftOptions } from './shiftOptions';

/**
 * Creates SHIFT (shared/reference/shift.md), concretely, per host (both hosts run the same code):
 * - Default: WRs on the default QP (path 0); the layer receives into its own buffers on the
 *   receive path and fills the application's RECVs in arrival order (see RecvRelay); one spare
 *   buffer stays posted on every path for SHIFT's own messages, told apart by SHIFT_CONTROL_MARK.
 * - Fallback, on an error completion or a failed post on the default QP: the successful
 *   completions before the first error were already handed over in order; every uncompleted WR
 *   is outstanding. If one is an atomic or carries noRetransmit, they all complete with the error
 *   (no retransmission; later traffic still moves to the backup). Then the receive-counter
 *   handshake on the backup QP (path 1): the initiator moves its RECV buffers to the backup and
 *   sends WRITE_WITH_IMM(imm = messages its application received); the peer resets its default
 *   QP, moves its buffers, answers with its own counter and re-posts its outstanding WRs; each side
 *   skips the SENDs/WRITE_WITH_IMMs the other already received (counter ahead of completed sends:
 *   the ACK was lost; they complete with SUCCESS) and re-posts every other outstanding WR, in
 *   order, from the first unacknowledged one. The default QP is reset once drained.
 * - Switch-back: the initiator probes the reset default QP (a READ of word 0: the simulator has no
 *   zero-length WRITE; a READ is just as side-effect free) every probeDelayNs; once a probe
 *   succeeds it keeps using the backup until the next signaled WR, the fence (WaitSignaled),
 *   holds later WRs (WaitDrained) until the fence completes, then re-posts its buffers on the
 *   default QP and sends SWITCH_BACK there; the peer drains its own backup sends, moves its buffers
 *   back and answers SWITCH_BACK_ACK; only then do both post on the default QP again.
 * Simulator specifics: all of this runs on the data path (no control channel, so control-loss does
 * not matter); a failure of the backup during fallback, or of the default QP during the
 * switch-back exchange, is not recovered (everything outstanding completes with the error).
 * The leader leaves its failed default QP in ERR until the peer's counter arrives: a fresh QP
 * would accept a message after the leader's counter was taken, and the peer would re-send it.
 * Resets: env.reset resets one end only, and the peer's QP keeps expecting its old PSN until its
 * own layer resets it. The handshake is what resets both ends of the default QP, as in shift.md:
 * the follower before it answers, the leader once the answer (and the counter) is in, both with
 * the captured PSNs (0 both ways), so the probe and the switch-back meet a matching connection.
 * Two resets are one-ended: a probe that failed resets the leader's end again (harmless: every
 * probe is the same READ of word 0 at PSN 0, which the follower's end executes as new or again as
 * a duplicate), and a backup that failed while back on the default QP is reset at the end that
 * saw it; the peer's end then still expects its old PSN, so a later fallback's handshake arrives
 * there as a duplicate, is ACKed without being delivered, and times out (see shiftAudit.ts).
 *
 * Expected audit (shift): at-most-once and linearizability fail for WRITE only (one-sided WRs are
 * re-sent from the first unacknowledged: "best effort", Theorem 1, and the paper's T2 when the
 * receiver reused the word); failure-masking fails for FETCH_ADD and CMP_SWAP (the atomic abort
 * returns the error by design) and, on a second failure (the backup failing during the fallback),
 * for every other class. Two-sided traffic (SEND, WRITE_WITH_IMM) is exact for what has arrived:
 * the handshake skips what the peer's counter shows it received, but a request of the failed QP
 * still in the network arrives at the follower's reset end (the captured PSN 0 again) after the
 * counter was taken and executes twice (at-most-once, no-queue-sliding; shiftAudit.ts).
 */
export function createShift(options: ShiftOptions = {}): ReferenceLayer {
  const o = resolveShiftOptions(options);
  const name = options.name ?? defaultShiftName(o);
  return describedLayer(
    { name, transparent: false, create: (env) => new Shift(env, o) },
    shiftRule(o),
    shiftExpectedAudit(o),
  );
}

/** shift with every mechanism of shift.md on. */
export const shift: ReferenceLayer = createShift();
