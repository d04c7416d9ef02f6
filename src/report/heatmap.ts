/**
 * The coverage heat map of the HTML report: report.coverage as a table, one row per coverage
 * class, one column per op class, each cell shaded by the share of that column's runs that
 * exercised the class. A class no run exercised stands out (hatched, "0"): that is what a pass
 * did not test.
 */
import type { Report } from '../core/results';
import { coverageColumns, coverageRows } from './coverage';

/** Escapes text for HTML (a local copy: html.ts imports this module). */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The runs of each column: the largest run count of its results (every property judges the same runs). */
function runsPerColumn(report: Report): Map<string, number> {
  const runs = new Map<string, number>();
  for (const r of report.results)
    if (r.opcode !== undefined) runs.set(r.opcode, Math.max(runs.get(r.opcode) ?? 0, r.runs));
  return runs;
}

/** The heat map section, or '' when the report has no coverage. */
export function coverageHeatMap(report: Report): string {
  const coverage = report.coverage;
  if (coverage === undefined || Object.keys(coverage).length === 0) return '';
  const columns = coverageColumns(coverage);
  const rows = coverageRows(coverage);
  const totals = runsPerColumn(report);
  const head = `<tr><th>coverage class</th>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const body = rows.map((name) => {
    const cells = columns.map((c) => {
      const n = coverage[c][name] ?? 0;
      const total = Math.max(1, totals.get(c) ?? 1, n);
      if (n === 0) return `<td class="zero" title="no run exercised ${esc(name)}">0</td>`;
      const share = n / total;
      // Darker with a larger share; the alpha never drops below 0.12 so any non-zero cell shows.
      const alpha = (0.12 + 0.78 * share).toFixed(2);
      const ink = share > 0.55 ? '#fff' : '#1b1b1b';
      return `<td style="background: rgba(21, 101, 192, ${alpha}); color: ${ink}" title="${n} of ${total} runs">${n}</td>`;
    });
    return `<tr><th class="prop">${esc(name)}</th>${cells.join('')}</tr>`;
  });
  return (
    '<h2>Coverage</h2>\n<p class="note-text">Runs that exercised each failure situation, per op class; ' +
    "darker is a larger share of the column's runs, hatched is never.</p>\n" +
    `<table class="heat">\n${[head, ...body].join('\n')}\n</table>`
  );
}

/** The heat map's CSS, for the page frame. */
export const HEATMAP_CSS = `table.heat { border-collapse: collapse; font-size: 13px; }
table.heat th, table.heat td { border: 1px solid #ccc; padding: 4px 10px; } table.heat td { text-align: right; min-width: 4em; }
table.heat td.zero { color: #8d6e00; background: repeating-linear-gradient(45deg, #fffde7, #fffde7 4px, #fff3c4 4px, #fff3c4 8px); }`;
