import { createResenderInstance } from './common/resender';
import { describedLayer } from './types';
import type { ReferenceLayer } from './types';

/**
 * resendAll (LubeRDMA-style resend buffer). Decision rule: every WR goes to the current path;
 * the layer keeps every WR without a completion; on an error completion, a refused post or a
 * PORT_ERR of the current path it re-posts all of them, in posting order, on the next path, and
 * resets its own end of the failed QP once it has drained (transparent: the peer's end is not
 * told). The receiver keeps a buffer for each unfilled
 * application RECV on every path (it cannot know which path the sender will use) and fills the
 * application's RECVs in arrival order.
 *
 * Expected audit: failure-masking holds for every op class (any healthy path gets everything
 * re-posted). Safety fails for every non-idempotent class when an ACK is lost (Theorem 1: the
 * sender cannot tell a lost ACK from a lost request): at-most-once for WRITE, SEND,
 * WRITE_WITH_IMM, FETCH_ADD, CMP_SWAP; no-queue-sliding for SEND/WRITE_WITH_IMM (the duplicate
 * fills the next RECV, Theorem 2); linearizability for WRITE and WRITE_WITH_IMM (a stale
 * re-write after the receiver reused the word, T2: WRITE_WITH_IMM writes memory like a WRITE),
 * FETCH_ADD (double count) and CMP_SWAP (double success / ABA, Theorem 2). A READ executed twice
 * is harmless, but see the stale response below.
 * A re-executed atomic reports the old value of its second execution, which is a value one of
 * its executions produced (completion-fidelity's rule); the harm is the double effect, which
 * at-most-once and linearizability report. But completion-fidelity fails for every class
 * because of the reset: a reset changes the layer's own end only (the peer's QP keeps expecting
 * its old PSN until its own layer resets it, and a transparent layer has no way to ask), so when
 * the layer comes back to a path it reset, its restarted PSNs are duplicates at the peer's QP,
 * ACKed without executing: the WR completes SUCCESS and never took effect. A READ too: a READ of
 * another word, re-using a PSN of the old connection, is dropped by the peer as a duplicate outside
 * its responder resources, and the old READ's response, still on the wire (delayed past the retry
 * cycle), completes it with the other word's value (the generator's stale READ response,
 * src/check/staleResponse.ts; linearizability then fails for READ as well).
 */
export const resendAll: ReferenceLayer = describedLayer(
  {
    name: 'resend-all',
    transparent: true,
    create: (env) => createResenderInstance(env, { verifyByRead: false }),
  },
  'on an error or PORT_ERR, re-post every uncompleted WR on the next path',
  {
    summary:
      'masks failures, but re-executes whatever executed before a lost ACK (Theorems 1 and 2), and its one-ended resets complete WRs that never ran',
    violations: [
      {
        property: 'at-most-once',
        opcodes: ['WRITE', 'SEND', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP'],
        why: 'a WR whose ACK was lost is re-posted on a fresh QP and executes again (Theorem 1)',
      },
      {
        property: 'no-queue-sliding',
        opcodes: ['SEND', 'WRITE_WITH_IMM'],
        why: 'the re-sent message consumes the next RECV (Theorem 2, queue sliding)',
      },
      {
        property: 'linearizability',
        opcodes: ['WRITE', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP', 'READ'],
        why: "a stale re-write (WRITE or WRITE_WITH_IMM) after reuse (T2), a double FETCH_ADD, a double CAS success (ABA); a READ completed by the old connection's response returns another word's value",
      },
      {
        property: 'completion-fidelity',
        opcodes: ['WRITE', 'SEND', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP', 'READ'],
        why: "it resets only its own end of a failed path: back on that path, its restarted PSNs are duplicates at the peer's QP, ACKed without executing, so the WR completes SUCCESS without effect; a READ of another word at such a PSN is dropped by the peer and completed by the old READ's late response",
      },
      {
        property: 'failure-masking',
        opcodes: ['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'WRITE_WITH_IMM'],
        why: "it gives up once every path failed a WR twice for long enough (FailureTally): a second failure on the backup (responses of the WR dropped there) with the first path healing just after the last try on it is surfaced, though that path is healthy; and it resets only its own end, so a WR to a bad address (REM_ACCESS_ERR) leaves the peer's QP in ERR and the WRs behind it are lost there until they give up (found at seed 1 since the generator draws second failures, delays just past timers and out-of-range addresses)",
      },
    ],
  },
);
