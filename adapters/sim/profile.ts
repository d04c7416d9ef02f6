/**
 * The NIC profile of a run: every place where the simulator's behaviour depends on config.nic,
 * resolved once per run. 'ibta' follows the IBTA specification (and mlx5); 'rxe' follows the Linux
 * kernel's Soft-RoCE driver (drivers/infiniband/sw/rxe) where it differs. docs/simulator.md has
 * the table; test/sim/rules-nic.test.ts a rule test per row.
 */
import type { SimConfig } from '../../src/core/scenario';
import { ibTimerNs, rxeRnrTimerNs, rxeTimerNs } from '../../src/core/verbs';

/** What a NIC profile decides, for one run's config. */
export interface NicBehaviour {
  /** The retransmission timer (none at all when timeout is 0: see armTimer). rxe: whole jiffies, at least one. */
  readonly retransmitTimerNs: number;
  /** The wait after an RNR NAK. rxe: rounded up to whole jiffies, at least one. */
  readonly rnrTimerNs: number;
  /** True when retry_cnt is never spent (rxe_comp.c: retry_cnt 7 is not decremented). */
  readonly retriesForever: boolean;
  /**
   * True when the retransmission timer keeps running while the requester waits out an RNR NAK,
   * each expiry spending a retry (rxe_comp.c COMPST_RNR_RETRY leaves retrans_timer alone).
   * IBTA: an RNR NAK is a response; the requester waits the RNR timer instead.
   */
  readonly retransmitTimerDuringRnr: boolean;
  /** The responder's READ/atomic resources (rxe_qp.c: max_dest_rd_atomic rounded up to a power of two). */
  readonly responderSlots: number;
  /** The requester's initiator depth (rxe_qp.c: max_rd_atomic rounded up to a power of two). */
  readonly initiatorDepth: number;
  /**
   * True when a transmission through a dead local port (netdev down) fails the WQE with
   * LOC_QP_OP_ERR and moves the QP to ERR (rxe_net.c: the route lookup fails, -EHOSTUNREACH;
   * rxe_req.c: LOC_QP_OP_ERR). IBTA: the packet is lost and the requester times out.
   */
  readonly localPortDownFailsSend: boolean;
  /**
   * True when the flushes of a QP gone to ERR interleave its receive and send queues (rxe_qp.c
   * rxe_qp_error schedules the recv task, then the send task, which run concurrently); false:
   * the send queue first, then the receive queue.
   */
  readonly interleavedFlush: boolean;
}

/** The behaviour of config.nic for this config. */
export function nicBehaviour(c: SimConfig): NicBehaviour {
  if (c.nic === 'rxe') {
    return {
      retransmitTimerNs: rxeTimerNs(c.timeout),
      rnrTimerNs: rxeRnrTimerNs(c.minRnrTimerNs),
      retriesForever: c.retryCnt === 7,
      retransmitTimerDuringRnr: true,
      responderSlots: roundUpToPowerOfTwo(c.maxDestRdAtomic),
      initiatorDepth: roundUpToPowerOfTwo(c.maxRdAtomic),
      localPortDownFailsSend: true,
      interleavedFlush: true,
    };
  }
  return {
    retransmitTimerNs: ibTimerNs(c.timeout),
    rnrTimerNs: c.minRnrTimerNs,
    retriesForever: false,
    retransmitTimerDuringRnr: false,
    responderSlots: c.maxDestRdAtomic,
    initiatorDepth: c.maxRdAtomic,
    localPortDownFailsSend: false,
    interleavedFlush: false,
  };
}

/** rxe's roundup_pow_of_two, keeping 0 as 0 (rxe_qp.c: `x ? roundup_pow_of_two(x) : 0`). */
function roundUpToPowerOfTwo(n: number): number {
  if (n <= 0) return 0;
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
