/** Real-time pacing of a native run: its limits, and the factor from scenario time to real time. */
import { ibTimerNs } from '../../src/core/verbs';

/** Limits and pacing of a native run (real milliseconds). */
export interface RunLimits {
  /** The run ends this long after the last fault or application step (default 5000). */
  livenessMs: number;
  /** A run is quiescent once nothing is in flight and nothing happened for this long (default 150). */
  settleMs: number;
  /** Poll period of CQs, async events and memory (default 1). */
  pollIntervalMs: number;
  /**
   * Scenario durations (fault windows, 'at' anchors, layer timers, the receiver app's delay) are
   * multiplied by this on real time; 'auto' scales by the ratio of the real retransmission timer
   * to the scenario's, so a window "shorter than one timeout" keeps that meaning.
   */
  timeScale: number | 'auto';
}

// rdma_rxe arms its retransmission timer in jiffies: never shorter than one (4 ms at HZ=250).
const RXE_MIN_TIMER_NS = 4_000_000;

/** The factor from scenario time to real time (see RunLimits.timeScale). */
export function timeScale(option: number | 'auto', scenarioTimeout: number, nativeTimeout: number): number {
  if (option !== 'auto') return option;
  return Math.max(ibTimerNs(nativeTimeout), RXE_MIN_TIMER_NS) / ibTimerNs(scenarioTimeout);
}

/** Resolves after `ms` real milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
