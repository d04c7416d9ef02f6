/**
 * The Mooncake transfer engine's failover constants, as its source has them, and how the model's
 * citations name that source. Every citation in src/layers/mooncake reads FILE:FUNCTION:LINES at
 * MOONCAKE_COMMIT, with the abbreviations of docs/field-audits.md:
 *   wp.cpp   = mooncake-transfer-engine/src/transport/rdma_transport/worker_pool.cpp
 *   wp.h     = mooncake-transfer-engine/include/transport/rdma_transport/worker_pool.h
 *   ep.cpp   = mooncake-transfer-engine/src/transport/rdma_transport/rdma_endpoint.cpp
 *   ep.h     = mooncake-transfer-engine/include/transport/rdma_transport/rdma_endpoint.h
 *   rt.cpp   = mooncake-transfer-engine/src/transport/rdma_transport/rdma_transport.cpp
 *   topo.cpp = mooncake-transfer-engine/src/topology.cpp
 *   config.h = mooncake-transfer-engine/include/config.h
 */

/** The kvcache-ai/Mooncake commit the model follows. */
export const MOONCAKE_COMMIT = '3b5a594133958449a1feaf1c9e0fc1b553e34a28';

const SECOND_NS = 1_000_000_000;

/** The source's settings the model uses; a test or an audit may override them (MooncakeRetryOptions). */
export interface MooncakeSettings {
  /** A slice's retry budget: max_retry_cnt = globalConfig().retry_cnt = 9 (config.h:65, rt.cpp:submitTransferTask:916). */
  maxRetryCnt: number;
  /** How long a paused peer rail stays paused: rdma_rail_pause_seconds = 30 (config.h:76; wp.cpp:markRailFailed:1392-1393). */
  railPauseNs: number;
  /** Errors that pause a rail: kRailErrorThreshold = 5 (wp.h:169). */
  railErrorThreshold: number;
  /** Errors further apart restart the count: kRailErrorWindowNs = 5 s (wp.h:173). */
  railErrorWindowNs: number;
  /** A local RNIC comes back this long after PORT_ACTIVE: kContextRecoveryDelayNs = 30 s (wp.h:174-175). */
  contextRecoveryDelayNs: number;
  /** Consecutive local failures that retire a local RNIC: kContextFailureThreshold = 32 (wp.h:178-179). */
  contextFailureThreshold: number;
  /** The active side gives up on a handshake's ready ACK after kReadyAckTimeoutNano = 10 s (ep.h:194-195). */
  readyAckTimeoutNs: number;
}

/** The settings of the commit (its defaults, no environment overrides). */
export const MOONCAKE_DEFAULTS: Readonly<MooncakeSettings> = {
  maxRetryCnt: 9,
  railPauseNs: 30 * SECOND_NS,
  railErrorThreshold: 5,
  railErrorWindowNs: 5 * SECOND_NS,
  contextRecoveryDelayNs: 30 * SECOND_NS,
  contextFailureThreshold: 32,
  readyAckTimeoutNs: 10 * SECOND_NS,
};

/** QP attributes of every Mooncake endpoint: timeout 14, retry_cnt 7, rnr_retry 7 (ep.cpp:33-34, 1215-1225). */
export const MOONCAKE_QP = { timeout: 14, retryCnt: 7, rnrRetry: 7 } as const;

/**
 * What an audit of the model runs at: Mooncake's QP attributes, and a liveness budget that outlasts
 * its longest timers (a 30 s rail pause or context recovery after a 10 s ready-ACK wait).
 */
export const MOONCAKE_QP_SETTINGS = { ...MOONCAKE_QP, livenessNs: 60 * SECOND_NS } as const;

/**
 * What the model leaves out or simplifies, each with its reason (docs/field-audits.md; every audit
 * of the model prints this list).
 */
export const MOONCAKE_OMISSIONS: readonly string[] = [
  "A path joins local RNIC p and peer RNIC p (the simulator has one NIC pair per path): a remote retry, which keeps the local RNIC, and a local handoff, which keeps the peer rail, both move to path p; the choice of p is the source's.",
  "Topology: preferred HCA [0], the others available; the first try goes to device 0 (the source's random pick among one preferred HCA) and retry k to device (k-1) mod n.",
  'One CQE per poll pass (the simulator hands completions one at a time): the once-per-pass dedup of local failures (wp.cpp:performPollCq:674-694) counts each CQE.',
  'One QP per endpoint (the source has 2 and spreads slices over them) and one slice per WR (the 64 KiB slices of one request are independent anyway).',
  'Async events other than PORT_ERR/PORT_ACTIVE (QP_FATAL, DEVICE_FATAL, CQ_ERR, ...): the simulator raises none; a QP put in ERR by a fault is seen only through its flushes, so its endpoint is not deleted as QP_FATAL would make it.',
  "The handshake RPC and its ready ACK are one control round trip, its own failure (handshake_connect_timeout) folded into the ready-ACK timeout; endpoints start connected, and a deleted one is set up again once its QP has drained (the simulator reuses the path's one QP).",
  "A new endpoint's QP (ibv_create_qp, a new QP number) is stood for by a new PSN space, 2^16 below the last (endpoints.ts:endpointPsn), where the source restarts at PSN 0 on both ends: a late response to the deleted endpoint is dropped at A, as at a destroyed QP; a late request of it that reaches B after B's reset is NAKed here, where the source's PSN 0 could let it execute (the first attempt that reaches B before any reset, below, executes in both).",
  'Not modelled: the metadata service and topology publication, worker sharding and parking, the connect pause (conn_pause_ttl_ms, 0 by default), the GID refresh, the all-rails-failed context count on submission (wp.cpp:submitPostSend:281-285).',
];
