/**
 * The coverage table of a report: one row per coverage class, one column per op class, each cell
 * the number of runs that exercised the class (report.coverage). Rows keep the report's order,
 * which is the order of the class definitions (src/check/coverage/classes.ts).
 */
import type { CoverageCounts, Report } from '../core/results';
import { OPCODES } from '../core/verbs';

/** The op classes of a coverage object in the matrix's order (standard opcodes, then mixed). */
export function coverageColumns(coverage: CoverageCounts): string[] {
  const standard: string[] = [...OPCODES, 'mixed'];
  const rank = (c: string) => (standard.includes(c) ? standard.indexOf(c) : standard.length);
  return Object.keys(coverage).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The coverage class names of a coverage object, in first-seen order. */
export function coverageRows(coverage: CoverageCounts): string[] {
  const rows: string[] = [];
  for (const row of Object.values(coverage))
    for (const name of Object.keys(row)) if (!rows.includes(name)) rows.push(name);
  return rows;
}

/** The coverage table as aligned text, or '' when the report carries no coverage. */
export function renderCoverageText(report: Pick<Report, 'coverage'>): string {
  const coverage = report.coverage;
  if (coverage === undefined || Object.keys(coverage).length === 0) return '';
  const columns = coverageColumns(coverage);
  const rows = coverageRows(coverage);
  const firstWidth = Math.max('coverage class'.length, ...rows.map((r) => r.length)) + 2;
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(coverage[c][r] ?? 0).length)) + 2);
  const line = (first: string, rest: string[]) =>
    (first.padEnd(firstWidth) + rest.map((t, k) => t.padStart(widths[k] - 2).padEnd(widths[k])).join('')).trimEnd();
  const out = [
    line('coverage class', columns),
    line(
      '-'.repeat(firstWidth - 2),
      widths.map((w) => '-'.repeat(w - 2)),
    ),
  ];
  for (const r of rows)
    out.push(
      line(
        r,
        columns.map((c) => String(coverage[c][r] ?? 0)),
      ),
    );
  return `${out.join('\n')}\n`;
}
