/**
 * Counting coverage over an audit (report.coverage: op class -> coverage class -> runs) and
 * judging requireCoverage against the counts, like QuickCheck's checkCoverage: an audit that
 * exercised a required class too rarely fails, naming the class, even when every property holds.
 */
import type { CoverageCounts, CoverageShortfall } from '../../core/results';
import type { Trace } from '../../core/trace';
import { COVERAGE_CLASSES, COVERAGE_CLASS_NAMES, coverageOf } from './classes';

/** Zero runs for every class, in table order (so every table lists every class). */
export function emptyCoverageRow(): Record<string, number> {
  return Object.fromEntries(COVERAGE_CLASS_NAMES.map((name) => [name, 0]));
}

/** Adds one run's trace to the row of its op class. */
export function tallyRun(coverage: CoverageCounts, opClass: string, trace: Trace): void {
  const row = (coverage[opClass] ??= emptyCoverageRow());
  for (const name of coverageOf(trace)) row[name] = (row[name] ?? 0) + 1;
}

/** Sums coverage counts (e.g. the CLI's per-op-class audits into one report), keeping table order. */
export function mergeCoverage(into: CoverageCounts, from: CoverageCounts | undefined): CoverageCounts {
  for (const [opClass, row] of Object.entries(from ?? {})) {
    const target = (into[opClass] ??= emptyCoverageRow());
    for (const [name, runs] of Object.entries(row)) target[name] = (target[name] ?? 0) + runs;
  }
  return into;
}

/** The runs that exercised `name`, over every op class of the audit. */
export function totalRuns(coverage: CoverageCounts, name: string): number {
  return Object.values(coverage).reduce((n, row) => n + (row[name] ?? 0), 0);
}

/**
 * Checks a requireCoverage object (class name -> least runs); throws a TypeError starting with
 * `api` that names the fix. Returns it unchanged when valid.
 */
export function validateRequireCoverage(api: string, required: unknown): Record<string, number> {
  if (required === null || typeof required !== 'object' || Array.isArray(required))
    throw new TypeError(`${api}: requireCoverage must be an object of coverage class -> least runs`);
  for (const [name, runs] of Object.entries(required)) {
    if (!COVERAGE_CLASS_NAMES.includes(name))
      throw new TypeError(
        `${api}: requireCoverage: "${name}" is not a coverage class (${COVERAGE_CLASS_NAMES.join(', ')})`,
      );
    if (!Number.isSafeInteger(runs) || (runs as number) < 0)
      throw new TypeError(`${api}: requireCoverage.${name} must be a non-negative integer (got ${String(runs)})`);
  }
  return required as Record<string, number>;
}

/** The required classes the audit exercised too rarely (counted over every op class), each explained. */
export function coverageShortfalls(
  coverage: CoverageCounts,
  required: Readonly<Record<string, number>> | undefined,
): CoverageShortfall[] {
  const out: CoverageShortfall[] = [];
  for (const c of COVERAGE_CLASSES) {
    const least = required?.[c.name];
    if (least === undefined) continue;
    const runs = totalRuns(coverage, c.name);
    if (runs >= least) continue;
    out.push({
      coverageClass: c.name,
      required: least,
      runs,
      explanation:
        `coverage class ${c.name} (${c.description}) was exercised by ${runs} run${runs === 1 ? '' : 's'}, ` +
        `fewer than the ${least} required: raise numRuns, widen the op classes, or lower the requirement`,
    });
  }
  return out;
}
