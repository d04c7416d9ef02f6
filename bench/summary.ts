/** Folds the hunts of one bug into medians, 95th percentiles and shares. */
import type { Hunt } from './hunt';
import { median, quantile } from './stats';

/** Median and 95th percentile of one figure. */
export interface Spread {
  median: number;
  p95: number;
}

/** One tool's hunts for one bug, summarized over the seeds that found it. */
export interface HuntSummary {
  seeds: number;
  found: number;
  /** Seeds whose first failure came within the default audit's 200 runs. */
  foundWithin200: number;
  runs: Spread;
  msToFailure: Spread;
  msAfterFailure: Spread;
  size: Spread;
  oneMinimal: number;
}

const spread = (xs: number[]): Spread => ({ median: median(xs), p95: quantile(xs, 0.95) });

/** The summary of `hunts`. */
export function summarize(hunts: Hunt[]): HuntSummary {
  const found = hunts.filter((h) => h.found);
  return {
    seeds: hunts.length,
    found: found.length,
    foundWithin200: found.filter((h) => (h.runsToFailure ?? Infinity) <= 200).length,
    runs: spread(found.map((h) => h.runsToFailure!)),
    msToFailure: spread(found.map((h) => h.msToFailure!)),
    msAfterFailure: spread(found.map((h) => h.msAfterFailure!)),
    size: spread(found.map((h) => h.size!)),
    oneMinimal: found.filter((h) => h.oneMinimal).length,
  };
}
