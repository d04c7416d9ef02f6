/**
 * The self-contained HTML report: explanation, audit matrix, replay command and an SVG sequence
 * chart per counterexample. No scripts, fonts or images from anywhere: the page works offline and
 * in a locked-down CI artifact viewer. Every string from the trace is escaped. Deterministic.
 */
import type { CounterexampleData, Report } from '../core/results';
import { counterexampleToYAML } from './codec';
import { lanesOf, placeEvent } from './lanes';
import { auditMatrix } from './matrix';
import { coverageHeatMap, HEATMAP_CSS } from './heatmap';
import { replayCommand } from './replay-command';

/** Options of renderHtml. */
export interface HtmlOptions {
  /** Where the counterexample YAML is (or will be), for the replay command. */
  file?: string;
  /** For a report: the YAML file of each result that has a counterexample, by result index. */
  files?: Record<number, string>;
  /** The layer's module path, when it is not a reference layer (adds --layer to the replay command). */
  layerModule?: string;
}

/** A counterexample or a whole audit report as one self-contained HTML page. */
export function renderHtml(input: CounterexampleData | Report, options: HtmlOptions = {}): string {
  if (isReport(input)) return reportPage(input, options);
  return page(
    `rdmacheck counterexample: ${input.property} violated by ${input.layer}`,
    counterexampleSection(input, options.file, 'cx', options.layerModule),
  );
}

/** True when the value is a Report (it has per-property results) rather than one counterexample. */
export function isReport(value: CounterexampleData | Report): value is Report {
  return Array.isArray((value as Report).results);
}

function reportPage(report: Report, options: HtmlOptions): string {
  const title = `rdmacheck audit of ${report.layer}`;
  const body: string[] = [];
  body.push(
    `<p class="summary">Adapter <code>${esc(report.adapter)}</code>, seed <code>${report.seed}</code>: ` +
      (report.ok
        ? '<span class="holds">no property violated</span>'
        : '<span class="violated">violations found</span>') +
      '.</p>',
  );
  body.push(matrixTable(report));
  const heat = coverageHeatMap(report);
  if (heat !== '') body.push(heat);
  report.results.forEach((r, k) => {
    if (r.counterexample === undefined) return;
    body.push(counterexampleSection(r.counterexample, options.files?.[k], `cx${k}`, options.layerModule));
  });
  return page(title, body.join('\n'));
}

/** The audit matrix as a table; violated cells link to their counterexample. */
function matrixTable(report: Report): string {
  const m = auditMatrix(report);
  const rows: string[] = [];
  rows.push(`<tr><th>property</th>${m.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`);
  for (const p of m.properties) {
    const cells = m.columns.map((col) => {
      const cell = m.cell(p, col);
      if (cell === undefined) return '<td class="none">-</td>';
      const text = `${esc(cell.status)} <span class="runs">(${cell.runs})</span>`;
      const hasCx = report.results[cell.result].counterexample !== undefined;
      const title = cell.reason === undefined ? '' : ` title="${esc(cell.reason)}"`;
      return `<td class="${esc(cell.status)}"${title}>${hasCx ? `<a href="#cx${cell.result}">${text}</a>` : text}</td>`;
    });
    rows.push(`<tr><th class="prop">${esc(p)}</th>${cells.join('')}</tr>`);
  }
  return `<h2>Audit matrix</h2>\n<table class="matrix">\n${rows.join('\n')}\n</table>`;
}

function counterexampleSection(
  data: CounterexampleData,
  file: string | undefined,
  anchor: string,
  layerModule: string | undefined,
): string {
  const parts: string[] = [];
  parts.push(`<section id="${esc(anchor)}">`);
  parts.push(
    `<h2><span class="violated">${esc(data.property)}</span> violated by <code>${esc(data.layer)}</code>` +
      `${data.opcode ? ` <small>(op class ${esc(data.opcode)})</small>` : ''}</h2>`,
  );
  parts.push(`<p class="explanation">${esc(data.explanation)}</p>`);
  parts.push(
    '<dl class="facts">' +
      `<dt>adapter</dt><dd><code>${esc(data.adapter)}</code></dd>` +
      `<dt>seed / path</dt><dd><code>${data.seed}</code> / <code>${esc(data.path)}</code></dd>` +
      `<dt>witness events</dt><dd>${data.events.map((k) => `<code>${k}</code>`).join(' ') || '(none)'}</dd>` +
      `<dt>replay</dt><dd><code class="cmd">${esc(replayCommand(file, layerModule))}</code></dd>` +
      '</dl>',
  );
  parts.push(sequenceChart(data));
  parts.push(
    `<details><summary>Counterexample file (YAML)</summary><pre>${esc(counterexampleToYAML(data, { ...(file === undefined ? {} : { file }), ...(layerModule === undefined ? {} : { layerModule }) }))}</pre></details>`,
  );
  parts.push('</section>');
  return parts.join('\n');
}

/** Geometry of the SVG chart, in pixels. */
const CHART = { left: 92, laneWidth: 96, top: 44, rowHeight: 22, labelGap: 16, labelWidth: 560 };

/** The SVG sequence chart: lifelines per lane, one row per event, labels in a column on the right. */
function sequenceChart(data: CounterexampleData): string {
  const lanes = lanesOf(data.scenario, data.trace);
  const witness = new Set(data.events);
  const x = new Map(lanes.map((lane, k) => [lane.id, CHART.left + k * CHART.laneWidth + CHART.laneWidth / 2]));
  const lanesRight = CHART.left + lanes.length * CHART.laneWidth;
  const width = lanesRight + CHART.labelGap + CHART.labelWidth;
  const height = CHART.top + data.trace.length * CHART.rowHeight + 16;
  const out: string[] = [];
  out.push(
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="sequence chart">`,
  );
  out.push(
    '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker>' +
      '<marker id="headRed" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c62828"/></marker></defs>',
  );
  // Row backgrounds first, so lifelines and arrows draw over them.
  data.trace.forEach((e, row) => {
    const y = CHART.top + row * CHART.rowHeight;
    const placement = placeEvent(e, data.scenario);
    const cls = witness.has(e.i)
      ? 'row-witness'
      : placement.alert === 'fault'
        ? 'row-fault'
        : row % 2 === 0
          ? 'row-even'
          : '';
    if (cls !== '') out.push(`<rect class="${cls}" x="0" y="${y}" width="${width}" height="${CHART.rowHeight}"/>`);
  });
  out.push(
    `<text class="colhead" x="6" y="${CHART.top - 14}">#</text><text class="colhead" x="36" y="${CHART.top - 14}">t (us)</text>`,
  );
  for (const lane of lanes) {
    const lx = x.get(lane.id) ?? 0;
    out.push(`<text class="lane" x="${lx}" y="${CHART.top - 14}" text-anchor="middle">${esc(lane.title)}</text>`);
    out.push(`<line class="lifeline" x1="${lx}" y1="${CHART.top - 8}" x2="${lx}" y2="${height - 8}"/>`);
  }
  data.trace.forEach((e, row) => {
    const y = CHART.top + row * CHART.rowHeight;
    const mid = y + CHART.rowHeight / 2;
    const placement = placeEvent(e, data.scenario);
    const isWitness = witness.has(e.i);
    const red = placement.alert !== undefined && placement.alert !== 'fault';
    out.push(`<g class="event" data-i="${e.i}" data-kind="${esc(e.kind)}">`);
    out.push(
      `<text class="idx${isWitness ? ' witness' : ''}" x="6" y="${mid + 4}">${isWitness ? '★' : ''}${e.i}</text>`,
    );
    out.push(
      `<text class="time" x="${CHART.left - 8}" y="${mid + 4}" text-anchor="end">${esc((e.t / 1000).toFixed(3))}</text>`,
    );
    const fx = x.get(placement.from) ?? CHART.left;
    const tx = x.get(placement.to) ?? CHART.left;
    if (placement.shape === 'band') {
      out.push(
        `<line class="${placement.alert === 'fault' ? 'band-fault' : 'band'}" x1="${CHART.left}" y1="${mid}" x2="${lanesRight}" y2="${mid}"/>`,
      );
      if (placement.alert === 'fault')
        out.push(`<text class="bolt" x="${x.get('wire') ?? CHART.left}" y="${mid + 5}" text-anchor="middle">⚡</text>`);
    } else if (placement.shape === 'note') {
      if (placement.alert === 'lost') {
        out.push(
          `<path class="lost" d="M${fx - 6},${mid - 6} L${fx + 6},${mid + 6} M${fx + 6},${mid - 6} L${fx - 6},${mid + 6}"/>`,
        );
      } else {
        out.push(`<rect class="note${red ? ' red' : ''}" x="${fx - 7}" y="${mid - 7}" width="14" height="14" rx="3"/>`);
      }
    } else {
      const dir = tx >= fx ? 1 : -1;
      out.push(`<circle class="tail${red ? ' red' : ''}" cx="${fx}" cy="${mid}" r="3"/>`);
      out.push(
        `<line class="arrow${red ? ' red' : ''}" x1="${fx}" y1="${mid}" x2="${tx - dir * 2}" y2="${mid}" marker-end="url(#${red ? 'headRed' : 'head'})"/>`,
      );
    }
    const labelClass = `label${isWitness ? ' witness' : ''}${placement.alert === 'fault' ? ' fault' : red ? ' red' : ''}`;
    out.push(
      `<text class="${labelClass}" x="${lanesRight + CHART.labelGap}" y="${mid + 4}">${esc(placement.label)}</text>`,
    );
    out.push('</g>');
  });
  out.push('</svg>');
  return `<div class="chart-wrap">${out.join('\n')}</div>`;
}

/** Escapes text for HTML content and attribute values (both quote kinds). */
export function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** The page frame: inline CSS only; a CSP meta forbids any network fetch even if content slipped in. */
function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1b1b1b; background: #fff; }
h1 { font-size: 22px; margin: 0 0 12px; } h2 { font-size: 18px; margin: 28px 0 8px; }
code, pre, .chart text { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.explanation { font-size: 15px; max-width: 70em; background: #fff8e1; border-left: 4px solid #f9a825; padding: 8px 12px; }
.facts { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; font-size: 14px; }
.facts dt { color: #555; } .facts dd { margin: 0; overflow-wrap: anywhere; }
.cmd { background: #f3f3f3; padding: 2px 6px; border-radius: 3px; }
.violated { color: #c62828; } .holds { color: #2e7d32; } .unknown { color: #8d6e00; }
table.matrix { border-collapse: collapse; font-size: 13px; }
table.matrix th, table.matrix td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; }
table.matrix td.holds { background: #e8f5e9; } table.matrix td.violated { background: #ffebee; } table.matrix td.unknown { background: #fffde7; }
table.matrix .runs { color: #666; } table.matrix a { color: inherit; }
.chart-wrap { overflow-x: auto; border: 1px solid #ddd; margin: 12px 0; }
.chart text { font-size: 11px; fill: #222; } .chart text.lane, .chart text.colhead { font-weight: bold; font-size: 12px; }
.chart .lifeline { stroke: #9e9e9e; stroke-dasharray: 3 3; }
.chart .row-even { fill: #fafafa; } .chart .row-witness { fill: #ffe9a8; } .chart .row-fault { fill: #ffdcdc; }
.chart .arrow { stroke: #333; stroke-width: 1.4; } .chart .arrow.red, .chart .lost { stroke: #c62828; stroke-width: 2; }
.chart .tail { fill: #333; } .chart .tail.red { fill: #c62828; }
.chart .note { fill: #e3f2fd; stroke: #1565c0; } .chart .note.red { fill: #ffcdd2; stroke: #c62828; }
.chart .band { stroke: #555; stroke-width: 1; } .chart .band-fault { stroke: #c62828; stroke-width: 3; stroke-dasharray: 8 4; }
.chart text.bolt { font-size: 14px; } .chart text.red, .chart text.fault { fill: #b71c1c; } .chart text.witness { font-weight: bold; }
.chart .time, .chart .idx { fill: #666; }
details pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }
${HEATMAP_CSS}
</style>
</head>
<body>
<h1>${esc(title)}</h1>
${body}
<p class="footer"><small>Generated by rdmacheck. Rows marked ★ and highlighted are the witness events; red dashed bands are faults; ✕ is a lost packet.</small></p>
</body>
</html>
`;
}
