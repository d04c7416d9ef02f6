/**
 * kucx-failover: a model of Huawei kucx's lane failover (a UCX fork: the rc_fo transport and UCP
 * failover, openeuler-mirror/kucx at KUCX_COMMIT), rule by rule from its source; each rule in
 * src/layers/kucx cites FILE:FUNCTION:LINES (abbreviations in ./kucx/source.ts).
 *
 * Rules implemented (field-layers.md 2.2 "Failure detection" and 2.3 "Failover decision"):
 * - Data path: wr_id = pi+1, the op's sn; SEND = AM (two-sided), WRITE = PUT, READ = GET,
 *   FETCH_ADD and CMP_SWAP one-sided, counted in tx_pc (ep.c:122-256, 680-798).
 * - A TX CQE completes every op up to its wr_id, even with an error status, which is only logged;
 *   TX errors never trigger failover (iface.c:poll_tx:148-197).
 * - The receiver counts ack per RX CQE, no dedup (iface.c:handle_am:251-289).
 * - Triggers: PORT_ERR and RX CQE errors set the device flag; a refused post is EFAULT
 *   (ibfo.c:62-89, iface.c:314-326, ep.c:157-161). While the flag is IN_PROGRESS, posts count but
 *   do not reach the NIC (ep.c:133-140); iface progress drains, then the UCP upcall makes a
 *   failover context and the device goes MIGRATING (iface.c:352-363, ibfo.c:23-40).
 * - ucp_failover_progress_lane, one step per progress call: blacklist and fault flag, select,
 *   pre-handle (drain ignoring errors, then origin QP to ERR), META in-band with this side's ack,
 *   the peer replies with its own ack without draining, revise, resend set
 *   (pi - tx_pc) - peer_ack two-sided plus the one-sided ops after the last released, one op per
 *   step, an rkey round trip per one-sided op, the resent FETCH_ADD with the descriptor's swap (0)
 *   as operand, finish: ci = pi, lane switch, pending ops moved (ucp.c:857-916, resend.c).
 * - No recovery: the device flag and blacklist are permanent (ib_device.c:617).
 *
 * Omissions and simplifications, each with its reason: KUCX_OMISSIONS (./kucx/source.ts), which
 * every audit of the model prints under its matrix.
 */
import type { FailoverLayer } from '../core/layer';
import { createKucxHost } from './kucx/host';
import { KUCX_COMMIT, KUCX_OMISSIONS, KUCX_QP_SETTINGS } from './kucx/source';
import { describedLayer } from './types';
import type { ReferenceLayer } from './types';

/** The kucx model as a plain FailoverLayer (no documented audit). */
export function createKucxFailover(): FailoverLayer {
  return {
    name: 'kucx-failover',
    transparent: false,
    opcodes: ['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP'],
    config: KUCX_QP_SETTINGS,
    create: (env) => createKucxHost(env),
  };
}

/** The kucx model at the commit's settings, with its rule and expected audit. */
export const kucxFailover: ReferenceLayer = describedLayer(
  createKucxFailover(),
  `models openeuler-mirror/kucx@${KUCX_COMMIT.slice(0, 10)} (rc_fo + UCP failover): on a device fault, drain, exchange RX ack counters over the new lane and resend the two-sided ops the peer did not count plus every unreleased one-sided op; TX errors complete ops as done`,
  {
    summary:
      'a TX error CQE completes every op up to it as SUCCESS, executed or not; after a device fault every unreleased one-sided op is resent, executed or not',
    violations: [
      {
        property: 'at-most-once',
        opcodes: ['WRITE', 'FETCH_ADD'],
        why: 'one-sided ops the peer executed but whose ACK was lost are resent on the new lane: they "are allowed to be repeatedly sent" (resend.c:51-52); the resent FETCH_ADD adds the descriptor\'s swap field, 0 (resend.c:324-326)',
      },
      {
        property: 'linearizability',
        opcodes: ['WRITE', 'READ', 'FETCH_ADD', 'CMP_SWAP', 'mixed'],
        why: 'an op whose request was lost, or that hit an error, completes SUCCESS when its error CQE is polled (iface.c:poll_tx:172-194): its effect never happens, and a READ returns a value it never read (after a third party changed the word)',
      },
      {
        property: 'completion-fidelity',
        opcodes: ['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'mixed'],
        why: 'TX error CQEs complete every op up to their wr_id as done and never trigger failover (iface.c:poll_tx:175-187)',
      },
      {
        property: 'failure-masking',
        opcodes: ['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'mixed'],
        why: "with both of A's devices faulted at once (a shared fate: one PCIe switch, the host's power) no lane is left and the process aborts (ucs_fatal, ucp.c:684-685); the blacklist is permanent (ib_device.c:617), so devices that come back are never used (test/layers/kucxFailover.test.ts, ucp.c:168-205)",
      },
    ],
    // Not reached by the default audit (seed 1, 200 runs), reached at other seeds (npm run
    // audit:sweep): documented, not compared.
    unreached: [
      {
        property: 'at-most-once',
        opcodes: ['CMP_SWAP'],
        why: 'a CMP_SWAP that executed but whose ACK died with A\'s device is resent on the new lane with the same (compare_add, swap) (resend.c:51-52, 327-330): after a third party\'s CAS restores the word, it succeeds twice; 200 runs reach it at seeds 2 (run 191), 4 (run 46), 5 (run 80) and 6 (run 145), not at seed 1 (test/layers/kucxFailover.test.ts, "resend.c:51-52 + 327-330")',
      },
    ],
  },
  { repo: 'openeuler-mirror/kucx', commit: KUCX_COMMIT, omissions: KUCX_OMISSIONS },
);

export { KUCX_COMMIT } from './kucx/source';
