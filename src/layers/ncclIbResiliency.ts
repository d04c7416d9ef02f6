/**
 * nccl-ib-resiliency: a model of NVIDIA NCCL's net_ib IB port failover
 * (NCCL_IB_RESILIENCY_PORT_FAILOVER=1, NVIDIA/nccl at NCCL_COMMIT), rule by rule from its source;
 * each rule in src/layers/nccl cites FILE:FUNCTION:LINES (files under src/transport/net_ib;
 * res.cc = p2p_resiliency.cc).
 *
 * Rules implemented (field-layers.md 1.2 "Failure detection" and 1.3 "Failover decision"):
 * - Only CQE errors trigger failover; WR_FLUSH_ERR and RETRY_EXC_ERR are not fatal, every other
 *   status is, and so are a second failed device and no device left (res.cc:23-61).
 * - HandleDeviceFailure marks the device Error and ReplaceQps repoints its logical QPs to the next
 *   physical QP on an OK device; the old QPs are left as they are (res.cc:69-122, 372-400).
 * - Sender tracking by slot: a NULL request is a stale CQE; the generation id + 1 outlives the
 *   entry, so a CQE of a tracked or handled id is dropped (res.cc:124-204, 340-369).
 * - Receiver: a RECV flush (dummy wr_id) is ignored once the device is marked failed (res.cc:276-289).
 * - Probe: 10 ms after the error, a READ of the slot's completions[] on the first OK device; a failed
 *   probe fails that device and is re-posted; more than MAX_ATTEMPTS = 1 failures is fatal
 *   (res.cc:455-557).
 * - Decide: all sent chunks flagged: the request completes; otherwise RepostRequest skips flagged
 *   chunks and MultiSend re-posts the rest with the same immediate; the entry is freed once the
 *   replay is posted (res.cc:206-266, 409-451, 1098-1101).
 * - Failing twice: the replay's error CQE hits the "already handled" branch and is ignored (res.cc:141-147).
 * - Receiver data path at poll time, in rounds of up to 4 CQEs per device with a completion check
 *   between rounds: recvReqs[imm % 256] without checking the id, UNUSED returns without re-posting
 *   the RECV, completion flag per physical QP, count-based completion (p2p.cc:594-598, 747-781,
 *   828-872, res.cc:1020-1033).
 *
 * Omissions and simplifications, each with its reason: NCCL_OMISSIONS (./nccl/source.ts), which
 * every audit of the model prints under its matrix.
 */
import type { FailoverLayer } from '../core/layer';
import { createNcclReceiver } from './nccl/receiver';
import { createNcclSender } from './nccl/sender';
import { NCCL_COMMIT, NCCL_DEFAULTS, NCCL_OMISSIONS, NCCL_QP_SETTINGS } from './nccl/source';
import type { NcclSettings } from './nccl/source';
import { describedLayer } from './types';
import type { ReferenceLayer } from './types';

/** Settings of the NCCL model (default: the commit's own). */
export type NcclIbResiliencyOptions = Partial<NcclSettings>;

/** An NCCL model with other settings than the commit's (tests may shorten the probe delay). */
export function createNcclIbResiliency(options: NcclIbResiliencyOptions = {}): FailoverLayer {
  const settings: NcclSettings = { ...NCCL_DEFAULTS, ...options };
  return {
    name: 'nccl-ib-resiliency',
    transparent: false,
    opcodes: ['WRITE', 'WRITE_WITH_IMM'],
    config: NCCL_QP_SETTINGS,
    create: (env) => (env.host === 'A' ? createNcclSender(env, settings) : createNcclReceiver(env, settings)),
  };
}

/** The NCCL model at the commit's settings, with its rule and expected audit. */
export const ncclIbResiliency: ReferenceLayer = describedLayer(
  createNcclIbResiliency(),
  `models NVIDIA/nccl@${NCCL_COMMIT.slice(0, 10)} (net_ib port failover): on an error CQE, mark the device failed, repoint its QPs, READ the receiver's completion record after 10 ms and replay the chunks not flagged`,
  {
    summary:
      'masks a lost ACK without a replay and a lost chunk with a selective one; a WRITE request whose WRITE_WITH_IMM was lost re-executes its data WRITE; any status but WR_FLUSH_ERR/RETRY_EXC_ERR is fatal',
    violations: [
      {
        property: 'at-most-once',
        opcodes: ['WRITE'],
        why: "the probe flags only a chunk's WRITE_WITH_IMM: when it was lost or flushed after the data WRITE executed, RepostRequest replays the chunk whole (res.cc:ncclIbResiliencyRepostRequest:206-266, p2p.cc:ncclIbMultiSend:83-260)",
      },
      {
        property: 'linearizability',
        opcodes: ['WRITE', 'mixed'],
        why: "the replayed WRITE overwrites a word the receiver's application reused after the first execution (the paper's T2; NCCL's receiver reads only after its irecv completes): a WRITE_WITH_IMM lost after its data WRITE executed makes RepostRequest replay the whole chunk, data WRITE included (res.cc:ncclIbResiliencyRepostRequest:206-266, p2p.cc:ncclIbMultiSend:83-260), with a reuse of that word (test/layers/ncclIbResiliency.test.ts)",
      },
      {
        property: 'at-most-once',
        opcodes: ['WRITE_WITH_IMM'],
        why: "the probe reads the completion flags the receiver writes when it polls (p2p.cc:777-778), so a chunk not yet executed or not yet polled reads as lost and RepostRequest replays it (res.cc:ncclIbResiliencyRepostRequest:206-266) while its own QP still delivers the original: a chunk's packet lost once on a healthy QP as another QP's error starts the failover (the generator's straggling chunk). In the model the probe READ, on the data QP, draws the NAK that retransmits the chunk and executes before its 1 us poll; NCCL's own probing QP (res.cc:497-499) reads before the 4.3 s retransmission, and the replay behind the lost packet draws that NAK instead. A receiver stalled past the probe does it too (test/layers/ncclIbResiliency.test.ts)",
      },
      {
        property: 'linearizability',
        opcodes: ['WRITE_WITH_IMM'],
        why: "the straggling chunk's replay (at-most-once [WRITE_WITH_IMM]) overwrites a word the receiver's application reused after the original executed: the generator's reuse reads the word as soon as it holds the data, before NCCL's irecv completes (which an NCCL receiver waits for), so it is the duplicate made visible rather than a second defect (the same replay: res.cc:206-266 after the flag read of p2p.cc:777-778)",
      },
      {
        property: 'failure-masking',
        opcodes: ['WRITE', 'WRITE_WITH_IMM'],
        why: 'every completion status but WR_FLUSH_ERR and RETRY_EXC_ERR is fatal, with a healthy device left (res.cc:ncclIbResiliencyCheckErrorNotFatal:36-44): a corrupt WQE (LOC_QP_OP_ERR) aborts the communicator',
      },
    ],
  },
  { repo: 'NVIDIA/nccl', commit: NCCL_COMMIT, omissions: NCCL_OMISSIONS },
);

export { NCCL_COMMIT } from './nccl/source';
