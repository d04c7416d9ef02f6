/**
 * The limits a layer loaded from a module path runs under (./supervise): a heap limit on its
 * worker, a watchdog that stops a worker that makes no progress, and how many such stops a job
 * absorbs before it stops running the layer at all.
 */

/** How a contained job is limited; every field has a default (CONTAINMENT_DEFAULTS). */
export interface ContainmentOptions {
  /** Old-generation heap of the worker, in MB: past it the worker dies and the run is a finding. */
  heapMb?: number;
  /** A worker that finishes no run for this long is stopped, and the run it was in is a finding. */
  watchdogMs?: number;
  /**
   * Limit stops absorbed per job: each one restarts the job with the faulted scenario stopped in
   * advance. Past this many, every later run of the job is stopped at once (bounded time).
   */
  maxLimitFaults?: number;
}

/** The defaults: the CLI's 1024 MB heap, 30 s without a finished run, 4 stops per job. */
export const CONTAINMENT_DEFAULTS: Required<ContainmentOptions> = {
  heapMb: 1024,
  watchdogMs: 30_000,
  maxLimitFaults: 4,
};

/** The options with defaults filled in; throws a TypeError starting with `api` on bad values. */
export function resolveContainment(api: string, o: ContainmentOptions = {}): Required<ContainmentOptions> {
  const pick = (key: keyof ContainmentOptions, least: number): number => {
    const v = o[key];
    if (v === undefined) return CONTAINMENT_DEFAULTS[key];
    if (!Number.isSafeInteger(v) || v < least)
      throw new TypeError(`${api}: containment.${key} must be an integer of at least ${least} (got ${String(v)})`);
    return v;
  };
  return { heapMb: pick('heapMb', 16), watchdogMs: pick('watchdogMs', 50), maxLimitFaults: pick('maxLimitFaults', 0) };
}

/** The sentence a finding uses for a limit: what was exceeded. */
export type LimitStop = { kind: 'heap'; heapMb: number } | { kind: 'watchdog'; watchdogMs: number };

/** "exceeded the 1024 MB heap limit of its worker" / "made no progress for 30 s". */
export function describeLimit(stop: LimitStop): string {
  if (stop.kind === 'heap') return `exceeded the ${stop.heapMb} MB heap limit of its worker`;
  const s = stop.watchdogMs / 1000;
  return `made no progress for ${s >= 1 ? `${+s.toFixed(1)} s` : `${stop.watchdogMs} ms`} (the watchdog stopped its worker)`;
}
