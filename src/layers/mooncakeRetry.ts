/**
 * mooncake-retry: a model of the Mooncake transfer engine's slice retry across RNICs (classic
 * rdma_transport, kvcache-ai/Mooncake at MOONCAKE_COMMIT), rule by rule from its source; each rule
 * in src/layers/mooncake cites FILE:FUNCTION:LINES (abbreviations in ./mooncake/source.ts).
 *
 * Rules implemented (field-layers.md 3.2 "Failure detection" and 3.3 "Failover decision"):
 * - Each WR is one slice: one signaled WRITE or READ, on the topology's device (ep.cpp:submitPostSend).
 * - FLUSH_ERR: retried, no rail penalty, no endpoint deletion; a local handoff when the local RNIC
 *   is inactive (wp.cpp:performPollCq:626-649).
 * - Local errors (LOC_LEN_ERR, LOC_QP_OP_ERR): one error charged to the rail without a pause,
 *   handleLocalFailure (context failure count, endpoint retired), slice handed to another local
 *   RNIC (wp.cpp:performPollCq:667-695, handleLocalFailure:1451-1467, isLocalWcFailure:1424-1449).
 * - Other errors (RETRY_EXC_ERR, RNR_RETRY_EXC_ERR, REM_*): pause the rail at once when another is
 *   available, delete the endpoint (its QP to ERR: every sibling slice flushes), retry
 *   (wp.cpp:performPollCq:696-711, ep.cpp:beginDestroyLocked:239-267).
 * - Retry budget: every failure costs one (shouldRetrySlice, 1419-1422), slices that could not be
 *   posted too (wp.cpp:performPostSend:531-549); the slice fails at max_retry_cnt = 9.
 * - Rail pausing: 5 errors within 5 s, or one immediate pause, pause a rail for 30 s; an expired
 *   pause clears itself when read (markRailFailed:1376-1399, isRailAvailable:1401-1415).
 * - Remote retry: the topology's device for the retry count, else the first unpaused other; the
 *   same address and payload again, unverified (wp.cpp:redispatch:739-875, topo.cpp:761-789).
 * - Local handoff: from context retry_cnt mod n, the first other active RNIC (877-945).
 * - PORT_ERR: the local RNIC goes inactive and its endpoints are disconnected; PORT_ACTIVE
 *   re-activates it 30 s later (handleContextEvent:1061-1116, maybeActivateRecoveredContext).
 * - Endpoint re-setup: after a deletion, a handshake (control message, both sides reset their QP to
 *   a new PSN space standing for the new QP: endpoints.ts:endpointPsn) with a 10 s ready-ACK timeout that pauses the rail and fails the waiting slices into
 *   the retry path (wp.cpp:performPostSend:450-519, ep.h:194-195).
 * - Queued slices are routed again when redispatch_counter_ moves (wp.cpp:performPostSend:401-413).
 *
 * Omissions and simplifications, each with its reason: MOONCAKE_OMISSIONS (./mooncake/source.ts),
 * which every audit of the model prints under its matrix.
 */
import type { FailoverLayer } from '../core/layer';
import { createMooncakeInitiator } from './mooncake/initiator';
import { MOONCAKE_COMMIT, MOONCAKE_DEFAULTS, MOONCAKE_OMISSIONS, MOONCAKE_QP_SETTINGS } from './mooncake/source';
import type { MooncakeSettings } from './mooncake/source';
import { createMooncakeTarget } from './mooncake/target';
import { describedLayer } from './types';
import type { ReferenceLayer } from './types';

/** Settings of the Mooncake model (default: the commit's own). */
export type MooncakeRetryOptions = Partial<MooncakeSettings>;

/** A Mooncake model with other settings than the commit's (tests shorten its 10 s and 30 s timers). */
export function createMooncakeRetry(options: MooncakeRetryOptions = {}): FailoverLayer {
  const settings: MooncakeSettings = { ...MOONCAKE_DEFAULTS, ...options };
  return {
    name: 'mooncake-retry',
    transparent: false,
    opcodes: ['WRITE', 'READ'],
    config: MOONCAKE_QP_SETTINGS,
    create: (env) => (env.host === 'A' ? createMooncakeInitiator(env, settings) : createMooncakeTarget(env)),
  };
}

/**
 * The Mooncake model at the commit's settings, with its rule and expected audit.
 *
 * Expected audit (docs/field-audits.md has the counterexamples and their verdicts): READ holds
 * everywhere; WRITE violates at-most-once (a slice whose ACK was lost fails with RETRY_EXC_ERR and
 * is re-posted to the same address on another rail: wp.cpp:performPollCq:696-711,
 * redispatch:776-860) and linearizability (that second execution overwrites a word the target
 * reused in between: the paper's T2) and failure-masking for both: a flush costs a try, so the
 * slices behind a slice to a bad address fail with it; and a slice posted while every local RNIC
 * is inactive fails at once.
 */
export const mooncakeRetry: ReferenceLayer = describedLayer(
  createMooncakeRetry(),
  `models kvcache-ai/Mooncake@${MOONCAKE_COMMIT.slice(0, 10)} (rdma_transport): on a completion error, pause the peer rail, delete the endpoint (its QP to ERR) and re-post the same slice on the next rail, up to 9 tries`,
  {
    summary:
      'masks one rail failure for WRITE and READ; a WRITE whose ACK was lost executes again; a slice to a bad address takes the slices behind it down',
    violations: [
      {
        property: 'at-most-once',
        opcodes: ['WRITE'],
        why: 'a slice whose ACK was lost is re-posted unverified to the same address on another rail (wp.cpp:redispatch:776-860)',
      },
      {
        property: 'linearizability',
        opcodes: ['WRITE'],
        why: "the re-posted WRITE overwrites a word the target reused after the first execution (the paper's T2)",
      },
      {
        property: 'failure-masking',
        opcodes: ['WRITE', 'READ'],
        why: 'every flush costs its slice a try (wp.cpp:performPollCq:626-646, shouldRetrySlice:1419-1422): a slice to a bad address (REM_ACCESS_ERR) is retried 9 times, each time deleting the endpoint and flushing the slices behind it, which fail with it; and with every local RNIC inactive a slice fails at once (redispatch:764-773), though the RNICs come back',
      },
    ],
  },
  { repo: 'kvcache-ai/Mooncake', commit: MOONCAKE_COMMIT, omissions: MOONCAKE_OMISSIONS },
);

export { MOONCAKE_COMMIT } from './mooncake/source';
