/**
 * Huawei kucx's failover (a UCX fork: the rc_fo transport and UCP lane failover): the commit the
 * model follows, the settings it runs at, and what it leaves out. Every citation in
 * src/layers/kucx reads FILE:FUNCTION:LINES at KUCX_COMMIT, with the abbreviations of
 * docs/field-audits.md:
 *   ep.c     = src/uct/ib/rc/failover/rc_failover_ep.c
 *   iface.c  = src/uct/ib/rc/failover/rc_failover_iface.c
 *   resend.c = src/uct/ib/rc/failover/rc_failover_resend.c
 *   rc_fo.h  = src/uct/ib/rc/failover/rc_failover.h
 *   ibfo.c   = src/uct/ib/base/ib_failover.c
 *   ucp.c    = src/ucp/core/ucp_failover.c
 *   rc_iface.c = src/uct/ib/rc/base/rc_iface.c
 */

/** The openeuler-mirror/kucx commit the model follows. */
export const KUCX_COMMIT = 'b360c1bc3122f1c1a6ffca68fd837e3ac43a8530';

/**
 * One UCX progress call (ucp_worker_progress), the unit in which ucp.c:ucp_failover_progress_lane
 * advances one step. An application polls UCX in a loop; 1 us stands for one turn of it.
 */
export const KUCX_PROGRESS_NS = 1_000;

/**
 * QP attributes of kucx's rc transport at its defaults (rc_iface.c:41-55): TIMEOUT 1.0 s, which
 * UCX turns into the IB exponent ceil(log2(1 s / 4.096 us)) = 18 (1.07 s per retransmission
 * timer), RETRY_COUNT 7, RNR_RETRY_COUNT 7.
 */
export const KUCX_QP = { timeout: 18, retryCnt: 7, rnrRetry: 7 } as const;

/**
 * What an audit of the model runs at: kucx's QP attributes and a liveness budget of 1 s of the
 * layer's own time (its failover takes a few dozen progress steps and two or three control round
 * trips; the NIC's 8.6 s retry cycle is not charged to the budget).
 */
export const KUCX_QP_SETTINGS = { ...KUCX_QP, livenessNs: 1_000_000_000 } as const;

/**
 * What the model leaves out or simplifies, each with its reason (docs/field-audits.md; every audit
 * of the model prints this list).
 */
export const KUCX_OMISSIONS: readonly string[] = [
  'A lane is a path, and a path its own device (one QP per device): a PORT_ERR blacklists that path only; the source blacklists every transport of the device (ucp.c:ucp_change_tl_map:648-674), which is the same thing with one lane per device.',
  'The META and rkey messages travel as control messages (sendControl) instead of AM short on the new lane: the new lane carries nothing before them, so only their loss differs (a lost META hangs the failover in both; the 120 s timeout only warns, ucp.c:638-646).',
  'The 120 s failover timeout (ucp.c:check_failover_progress_timeout:638-646) only logs a warning and restarts its clock: no decision depends on it, so the model arms no timer for it.',
  'Every WR is signaled (tx moderation 1); kucx signals one two-sided WR in TX_CQ_MODERATION = 64 (rc_iface.c:121-123), so one CQE completes more ops cumulatively there than here.',
  'An application SEND is an AM whose completion comes when its descriptor is released (AM zcopy); UCP completes AM short/bcopy at post time, which only makes the sender learn less.',
  'A READ or atomic completed by a CQE that is not its own successful one (an error CQE, a later CQE, a release by the resend set) returns 0: its response buffer was never written by it.',
  'The remote endpoint id is already resolved (UCP_EP_FLAG_REMOTE_ID, ucp.c:878-884): no wireup round trip; the UCP lane-config rewrite, wireup and flow-control credits are not modelled.',
  'The receiver is an SRQ stand-in: layer buffers on every path (4 spare), each message filling the oldest application RECV, messages without a RECV held (UCP unexpected queue); no SRQ refill limits, pure flow-control grants never occur.',
  'RX completion errors other than WR_FLUSH_ERR and the failover statuses (iface.c:314-327, UCT_IB_IFACE_VERBS_COMPLETION_ERR) are skipped; the simulator produces only WR_FLUSH_ERR on a RECV, so the RX-error trigger (REM_OP, RETRY_EXC, FATAL, RESP_TIMEOUT) is implemented but never fires.',
  'Async events other than PORT_ERR (QP_FATAL, PATH_MIG_ERR, DEVICE_FATAL: ibfo.c:62-76) and poll_cq failures: the simulator raises none; a qp-error fault is seen only through its CQEs, which never trigger failover (iface.c:175-181).',
  "A process abort (ucs_fatal with no lane left, ucp.c:684-685; the resend-set assert, resend.c:35) stops the host's layer: it decides nothing more (a SetTimer token kucx-abort names the reason).",
];
