/**
 * NCCL net_ib resiliency (NCCL_IB_RESILIENCY_PORT_FAILOVER=1): the constants the model uses, as its
 * source has them, and how the model's citations name that source. Every citation in
 * src/layers/nccl reads FILE:FUNCTION:LINES at NCCL_COMMIT, files under src/transport/net_ib/:
 *   res.cc    = p2p_resiliency.cc
 *   p2p.cc, common.h, common.cc, connect.cc as named.
 */

/** The NVIDIA/nccl commit the model follows. */
export const NCCL_COMMIT = '5067397c2676d5aed50042fc39e5c8ee96eb0027';

const MS_NS = 1_000_000;

/** Request slots: NET_IB_MAX_REQUESTS = 256; a request uses slot id % 256 (common.h:304). */
export const MAX_REQUESTS = 256;

/** Completion record of one slot: int sizes[8] then bool completions[128] (common.h:176-190). */
export const RECORD_SIZES_WORDS = 8;
/** bool completions[NCCL_IB_MAX_QPS = 128] (common.h:172, 189). */
export const RECORD_COMPLETIONS_WORDS = 128;
/** Words per slot record in the receiver's layer memory: 8 + 128 (the source's layout, word for field). */
export const RECORD_WORDS = RECORD_SIZES_WORDS + RECORD_COMPLETIONS_WORDS;
/** The receiver's layer memory: 256 records (measured affordable: layer memory is in no snapshot). */
export const LAYER_MEMORY_WORDS = MAX_REQUESTS * RECORD_WORDS;

/** The settings of the model (default: the commit's own). */
export interface NcclSettings {
  /** PROBE_DELAY: IB_RESILIENCY_PORT_FAILOVER_PROBE_DELAY = 10 ms after the error CQE was handled (res.cc:15, 466-472). */
  probeDelayNs: number;
  /** MAX_ATTEMPTS: IB_RESILIENCY_PORT_FAILOVER_MAX_ATTEMPTS = 1, checked with `>` (res.cc:14, 459-463). */
  maxAttempts: number;
  /** Receive requests the receiving proxy keeps posted ahead (the model: 4, as many as a generated workload has requests). */
  recvWindow: number;
  /** Zero-SGE RECVs pre-posted per data QP (the source posts 256 x nqps; connect.cc:1333-1352). */
  rqDepth: number;
}

/** The commit's settings (no environment overrides), with the model's receive window and RQ depth. */
export const NCCL_DEFAULTS: Readonly<NcclSettings> = {
  probeDelayNs: 10 * MS_NS,
  maxAttempts: 1,
  recvWindow: 4,
  rqDepth: 4,
};

/** QP attributes: IB_TIMEOUT 20, RETRY_CNT 7 (connect.cc:15-16), rnr_retry 7; PSN 0. */
export const NCCL_QP = { timeout: 20, retryCnt: 7, rnrRetry: 7 } as const;

/**
 * What an audit of the model runs at: NCCL's QP attributes; the proxy thread polls its CQs
 * continuously (a 1 us poll delay per host stands for its progress loop); layer memory for the
 * receiver's 256 completion records; a liveness budget well past the 10 ms probe delay.
 */
export const NCCL_QP_SETTINGS = {
  ...NCCL_QP,
  pollDelayNs: { A: 1_000, B: 1_000 },
  layerMemoryWords: LAYER_MEMORY_WORDS,
  livenessNs: 1_000 * MS_NS,
} as const;

/**
 * What the model leaves out or simplifies, each with its reason (docs/field-audits.md; every audit
 * of the model prints this list).
 */
export const NCCL_OMISSIONS: readonly string[] = [
  'Path = device, one data QP per device, nqps = number of paths (the default: one QP per device); a request is one word, so chunk 0 carries it and the other chunks are zero-length WRITE_WITH_IMMs (DIVUP(size, nqps) rounded to 128 bytes covers 8 bytes in the first chunk: p2p.cc:ncclIbMultiSend:115).',
  "Application WRITE_WITH_IMM = a small request (one signaled WRITE_WITH_IMM per chunk carrying data, imm = id); application WRITE = a request whose data goes by an unsignaled WRITE and whose per-chunk WRITE_WITH_IMM writes the size into the receiver's completion record (the multi-receive form, p2p.cc:131-142): the receiver then reports sizes[] instead of aggSize (p2p.cc:ncclIbRequestComplete:636-637) and the model hands no RECV to the application for it. Zero-length data WRITEs are not posted (no effect).",
  "Request ids count the sender's requests in posting order from 1 (NCCL counts from 0, taking CTS slots in order): imm = id, slot = id % 256; wr_id is the application's WR id (mapped to its slot, as NCCL's wr_id carries only slot bits, p2p.cc:104-105) or a negative id. The application's own imm is not carried by NCCL; the model tags each data WRITE_WITH_IMM with a payload [application WR id, imm] that the receiver's layer uses only to name the message it hands over (forWr), never to decide anything: a request completed without its own tagged chunk reaches the application unattributed.",
  "The CTS exchange is not modelled: the receiving proxy keeps irecvs for the next 4 request ids posted (the generated workloads have at most 4 requests) (records cleared, events added on the devices of activeQps, p2p.cc:ncclIbIrecv:442-500), which the CTS would make the sender wait for; so the receiver's CTS error path (res.cc:268-338: re-post the CTS at once) and the sender's CTS FIFO words are left out. The receiver's RQ holds 4 zero-SGE RECVs per QP instead of 256 x nqps (RECV leaks show as RNR sooner than on the real RQ; no finding below rests on one).",
  "The probe READ goes on the data QP of the first healthy device instead of that device's own probing QP (res.cc:497-499), and reads one 8-byte word: completions[0..7] packed as bits (flag of physical QP i = bit i), exact for up to 8 QPs; probe results are host variables, not registered words.",
  'Completion is checked after every polled CQE (NCCL checks between rounds of 4 CQEs per device, p2p.cc:ncclIbTest:828-872): the simulator hands completions one at a time; the receiving proxy tests its posted requests in id order.',
  'A fatal error (ncclRemoteError/ncclInternalError out of ncclIbTest) aborts the communicator: the model fails every outstanding request of that host (sends with the CQE status, RECVs with WR_FLUSH_ERR) and stops.',
  'Async events (DEVICE_FATAL, CQ_ERR, QP_FATAL ... common.cc:121-147) are not raised by the simulator; PORT_ERR is only logged (common.cc:167-180), as in the source.',
  'Port recovery and switch-back (NCCL_IB_RESILIENCY_PORT_RECOVERY=1, rec.cc, field-layers.md 1.4) are not modelled: it is off by default, and its alive/ACK protocol (200 ms, 500 ms batches, 4 s / 5 s timeouts, 5 attempts) did not fit the time given to this model; a failed device stays failed.',
  'Not modelled: GDR flush requests (their error path zeroes the device counter, res.cc:302-307), thread races, multi-receive with nreqs > 1, several QPs per device.',
];
