/** What both ends of a native run agree on at setup, and how scenario config maps onto real QPs. */
import type { SimConfig } from '../../src/core/scenario';
import type { TraceEvent } from '../../src/core/trace';

/** One path's NIC on one host. */
export interface NativePathOptions {
  /** The RDMA device, e.g. 'rxe0'. */
  device: string;
  /** Port number (default 1). */
  port?: number;
  /** GID index of the RoCEv2 IPv4 GID (default 1 on rxe). */
  gidIndex?: number;
  /** The Ethernet device under it, for link and packet faults (e.g. 'eth0'). */
  netdev?: string;
}

/** The QP parameters of a run, agreed by both ends. */
export interface WireConfig {
  paths: number;
  memoryWords: number;
  timeout: number;
  retryCnt: number;
  rnrRetry: number;
  /** IB-encoded min_rnr_timer (0..31). */
  minRnrTimer: number;
  maxDestRdAtomic: number;
  /** The requester's initiator depth (max_rd_atomic). */
  maxRdAtomic: number;
  pathMtu: 1024;
  /** The layer's work budget per run and host (scenario config maxLayerSteps; absent: the default). */
  maxLayerSteps?: number;
}

/** The QP state of one end as the other needs it to connect. */
export interface EndpointInfo {
  qpNum: number;
  gid: string;
  psn: number;
  rkey: number;
  /** The memory region's virtual address, as a decimal string (it is a 64-bit value). */
  addr: string;
}

/** Overrides of the scenario's transport parameters on real QPs. */
export interface QpOverrides {
  /** Local ACK timeout exponent to use instead of the scenario's (rxe waits at least one jiffy). */
  timeout?: number;
  /** retry_cnt instead of the scenario's (0..6: rdma_rxe treats 7 as retry forever). */
  retryCnt?: number;
}

// IB min_rnr_timer encoding (IBA table 45): code -> microseconds; code 0 is the longest (655.36 ms).
const RNR_TIMER_US = [
  655360, 10, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640, 960, 1280, 1920, 2560, 3840, 5120, 7680, 10240, 15360,
  20480, 30720, 40960, 61440, 81920, 122880, 163840, 245760, 327680, 491520,
];

/** The smallest IB min_rnr_timer code whose wait is at least `ns`. */
export function rnrTimerCode(ns: number): number {
  const us = ns / 1000;
  let best = 0;
  let bestUs = Infinity;
  for (let code = 0; code < RNR_TIMER_US.length; code++) {
    const v = RNR_TIMER_US[code];
    if (v >= us && v < bestUs) {
      best = code;
      bestUs = v;
    }
  }
  return best;
}

/** The wire config for a scenario's config, with the overrides applied. */
export function wireConfig(c: SimConfig, o: QpOverrides): WireConfig {
  // rdma_rxe treats retry_cnt 7 as "retry forever" (the IB spec does not): 7 goes to the QP only
  // under nic 'rxe', whose simulator profile does the same; retryCntRefusal refuses it otherwise.
  const retryCnt = o.retryCnt ?? c.retryCnt;
  return {
    paths: c.paths,
    memoryWords: c.memoryWords,
    maxLayerSteps: c.maxLayerSteps,
    timeout: o.timeout ?? c.timeout,
    retryCnt,
    rnrRetry: c.rnrRetry,
    minRnrTimer: rnrTimerCode(c.minRnrTimerNs),
    maxDestRdAtomic: Math.max(1, Math.min(c.maxDestRdAtomic, 16)),
    maxRdAtomic: Math.max(1, Math.min(c.maxRdAtomic, 16)),
    pathMtu: 1024,
  };
}

/** Why the scenario's retry_cnt cannot run on rdma_rxe as the scenario means it, or undefined. */
export function retryCntRefusal(c: SimConfig, o: QpOverrides): string | undefined {
  if (o.retryCnt !== undefined || c.retryCnt !== 7 || c.nic === 'rxe') return undefined;
  return "config.retryCnt 7 means 7 retries under nic 'ibta', but rdma_rxe retries forever at 7: set config.nic 'rxe' (the simulator then retries forever too) or retryCnt 6 or less";
}

/** Distributes the `Omit` over a union, so each event kind keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before the recorder stamps its index (and, when absent, its time). */
export type NewEvent = DistributiveOmit<TraceEvent, 'i' | 't'>;

/** The memory word size: one word is one 8-byte slot of a registered region. */
export const WORD_BYTES = 8;
