/**
 * Mooncake's peer-rail bookkeeping and device choice, re-expressed (wp.cpp and topo.cpp at
 * MOONCAKE_COMMIT). A rail is a peer NIC; in the model, path p joins local RNIC p and peer RNIC
 * p, so rail p, local context p and path p are one index.
 */
import type { MooncakeSettings } from './source';

/** One peer rail's error record (wp.h RailState). */
interface RailState {
  errorCount: number;
  lastErrorNs: number;
  pauseUntilNs: number;
}

/** The rail states of one initiator, read at decision time with the current clock. */
export class RailStates {
  private readonly states = new Map<number, RailState>();

  constructor(
    private readonly settings: MooncakeSettings,
    private readonly now: () => number,
  ) {}

  /**
   * Charges `rail` one error (wp.cpp:markRailFailed:1376-1399): the count restarts when the last
   * error is older than the window (1383-1384); an immediate pause lifts the count to the
   * threshold (1387-1389); at the threshold the rail pauses for railPauseNs (1390-1397).
   */
  markFailed(rail: number, immediatePause: boolean): void {
    const now = this.now();
    const s = this.states.get(rail) ?? { errorCount: 0, lastErrorNs: 0, pauseUntilNs: 0 };
    this.states.set(rail, s);
    // wp.cpp:1383 tests last_error_ns for non-zero: an error at time 0 does not open a window.
    if (s.lastErrorNs && now - s.lastErrorNs > this.settings.railErrorWindowNs) s.errorCount = 0;
    s.lastErrorNs = now;
    s.errorCount++;
    if (immediatePause && s.errorCount < this.settings.railErrorThreshold)
      s.errorCount = this.settings.railErrorThreshold;
    if (s.errorCount >= this.settings.railErrorThreshold) s.pauseUntilNs = now + this.settings.railPauseNs;
  }

  /**
   * True unless `rail` is paused (wp.cpp:isRailAvailable:1401-1415); an expired pause clears the
   * rail's record as it is read (1409-1413): this is the switch-back.
   */
  isAvailable(rail: number): boolean {
    const s = this.states.get(rail);
    if (!s || s.pauseUntilNs === 0) return true;
    if (this.now() >= s.pauseUntilNs) {
      s.errorCount = 0;
      s.pauseUntilNs = 0;
      return true;
    }
    return false;
  }

  /** True when a rail other than `failed` is available (wp.cpp:hasAvailablePeerRailAlternative:1163-1195). */
  hasAlternative(failed: number, rails: number): boolean {
    for (let r = 0; r < rails; r++) if (r !== failed && this.isAvailable(r)) return true;
    return false;
  }

  /**
   * The device a slice goes to, or undefined when every rail is paused: the topology's choice for
   * `retryCount`, else the first available other device in device order (wp.cpp:submitPostSend:
   * 232-258 on first posting, wp.cpp:redispatch:800-834 on a retry).
   */
  choose(retryCount: number, rails: number): number | undefined {
    const device = selectDevice(retryCount, rails);
    if (this.isAvailable(device)) return device;
    for (let alt = 0; alt < rails; alt++) if (alt !== device && this.isAvailable(alt)) return alt;
    return undefined;
  }
}

/**
 * The topology's device for a retry count (topo.cpp:Topology::selectDevice:761-789), for a
 * topology whose preferred HCA list is [0] and whose other HCAs 1..n-1 are "available": retry 0
 * picks preferred_hca[rand % 1] = 0 (771-779, so the random choice is deterministic here); retry
 * k > 0 picks index (k-1) mod n over preferred then available (780-787). So the first retry goes
 * back to device 0: only a paused rail moves it elsewhere.
 */
export function selectDevice(retryCount: number, rails: number): number {
  return retryCount === 0 ? 0 : (retryCount - 1) % rails;
}
