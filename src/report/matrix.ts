/** The audit matrix: properties x op classes, each cell a status with its run count. */
import type { PropertyResult, Report } from '../core/results';
import { OPCODES } from '../core/verbs';

/** One cell of the audit matrix. */
export interface MatrixCell {
  status: PropertyResult['status'];
  runs: number;
  reason?: string;
  /** Index into report.results, to link the cell to its counterexample. */
  result: number;
}

/** The matrix of a report: rows are properties, columns op classes ('all' when not split). */
export interface AuditMatrix {
  properties: string[];
  columns: string[];
  cell(property: string, column: string): MatrixCell | undefined;
}

/** Builds the audit matrix of a report, properties and op classes in first-seen/standard order. */
export function auditMatrix(report: Report): AuditMatrix {
  const properties: string[] = [];
  const seenColumns = new Set<string>();
  const cells = new Map<string, MatrixCell>();
  report.results.forEach((r, k) => {
    if (!properties.includes(r.property)) properties.push(r.property);
    const column = r.opcode ?? 'all';
    seenColumns.add(column);
    const cell: MatrixCell = { status: r.status, runs: r.runs, result: k };
    if (r.reason !== undefined) cell.reason = r.reason;
    cells.set(`${r.property}\u0000${column}`, cell);
  });
  const standard: string[] = [...OPCODES];
  const columns = [...seenColumns].sort((a, b) => rank(a, standard) - rank(b, standard) || a.localeCompare(b));
  return { properties, columns, cell: (property, column) => cells.get(`${property}\u0000${column}`) };
}

function rank(column: string, standard: string[]): number {
  const k = standard.indexOf(column);
  return k === -1 ? (column === 'all' ? -1 : standard.length) : k;
}

/** The matrix as aligned text, e.g. for the CLI: "violated (37)" per cell. */
export function renderMatrixText(report: Report): string {
  const m = auditMatrix(report);
  const label = (c: MatrixCell | undefined) => (c === undefined ? '-' : `${c.status} (${c.runs})`);
  const firstWidth = Math.max('property'.length, ...m.properties.map((p) => p.length)) + 2;
  const widths = m.columns.map(
    (col) => Math.max(col.length, ...m.properties.map((p) => label(m.cell(p, col)).length)) + 2,
  );
  const row = (first: string, rest: string[]) =>
    first.padEnd(firstWidth) +
    rest
      .map((t, k) => t.padEnd(widths[k]))
      .join('')
      .trimEnd();
  const lines = [
    row('property', m.columns),
    row(
      '-'.repeat(firstWidth - 2),
      widths.map((w) => '-'.repeat(w - 2)),
    ),
  ];
  for (const p of m.properties)
    lines.push(
      row(
        p,
        m.columns.map((col) => label(m.cell(p, col))),
      ),
    );
  return `${lines.join('\n')}\n`;
}
