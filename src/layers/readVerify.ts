import { createResenderInstance } from './common/resender';
import { describedLayer } from './types';
import type { ReferenceLayer } from './types';

/**
 * readVerify: resendAll, except that before re-posting a WRITE or an atomic it READs the target
 * word through the new path and re-posts only if the WR looks unexecuted: a WRITE looks executed
 * when the word holds its value; a CMP_SWAP when the word holds its `swap` (it is then completed
 * with old value = `compare`); a FETCH_ADD when the word equals the baseline (read just before
 * the FETCH_ADD on the same QP) plus `add` (completed with old value = the baseline). READ, SEND
 * and WRITE_WITH_IMM are re-posted as resendAll does. Verification is one READ at a time, in
 * posting order; the application's new WRs wait until the recovery is done.
 *
 * Expected audit: this is the strategy Theorem 3 rules out: deciding by reading whether a CAS
 * executed would solve consensus from read/write registers. It passes when nobody else touches
 * the word, and fails as soon as someone does: at-most-once and linearizability fail for
 * CMP_SWAP (S's CAS(0->1) executes, a third party CASes 1->0, the READ sees 0 "unexecuted", the
 * retry succeeds again: ABA), FETCH_ADD (a concurrent add hides the first execution) and WRITE
 * (the receiver consumed and reused the word, T2: it no longer holds the value, so the stale
 * WRITE is re-executed over the reuse, Theorem 1). SEND/WRITE_WITH_IMM cannot be verified by a
 * READ: duplicates and queue sliding as in resendAll, and a re-sent WRITE_WITH_IMM re-writes its
 * word after the receiver reused it (linearizability, T2). failure-masking holds. Like resendAll
 * it resets only its own end of a failed path, so back on that path its restarted PSNs are
 * duplicates at the peer's QP, ACKed without executing: completion-fidelity fails for SEND and
 * WRITE_WITH_IMM too (a message reported SUCCESS that never arrived), and for READ: a READ of
 * another word at such a PSN is dropped by the peer and completed by the old READ's response,
 * still on the wire (src/check/staleResponse.ts), so it returns another word's value
 * (linearizability [READ] too).
 */
export const readVerify: ReferenceLayer = describedLayer(
  {
    name: 'read-verify',
    transparent: true,
    create: (env) => createResenderInstance(env, { verifyByRead: true }),
  },
  'on a path failure, READ the word of each WRITE/atomic through the backup; re-post only if it looks unexecuted',
  {
    summary: 'read-based verification is defeated by any concurrent writer (ABA, reuse): Theorem 3',
    violations: [
      {
        property: 'at-most-once',
        opcodes: ['WRITE', 'SEND', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP'],
        why: 'ABA / reuse / a concurrent add makes an executed WR look unexecuted (Theorem 3); messages cannot be verified at all',
      },
      {
        property: 'no-queue-sliding',
        opcodes: ['SEND', 'WRITE_WITH_IMM'],
        why: 'messages are re-sent unverified: the duplicate fills the next RECV (Theorem 2)',
      },
      {
        property: 'linearizability',
        opcodes: ['WRITE', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP', 'READ'],
        why: "CAS double success after ABA (Theorem 3); stale WRITE over the reuse (T2); an unverified WRITE_WITH_IMM re-written over the reuse (T2); a READ completed by the old connection's late response returns another word's value",
      },
      {
        property: 'completion-fidelity',
        opcodes: ['WRITE', 'SEND', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP', 'READ'],
        why: "a WR whose word merely looks right (someone else wrote it, or added the same amount: a contended word, whose WR's requests were lost) is reported SUCCESS without having executed; a WR re-posted on a path reset at this end only is a duplicate at the peer's QP, ACKed without executing; and a READ of another word at such a PSN is completed by the old READ's late response",
      },
      {
        property: 'failure-masking',
        opcodes: ['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'WRITE_WITH_IMM'],
        why: "it gives up once every path failed a WR twice for long enough (FailureTally): a second failure on the backup (responses of the WR dropped there) with the first path healing just after the last try on it is surfaced, though that path is healthy; and it resets only its own end, so a WR to a bad address (REM_ACCESS_ERR) leaves the peer's QP in ERR and the WRs behind it are lost there until they give up (found at seed 1 since the generator draws second failures, delays just past timers and out-of-range addresses)",
      },
    ],
  },
);
