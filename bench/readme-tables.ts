/**
 * The README's Performance tables, rendered from one bench result (the JSON `npm run bench`
 * writes), so that every figure there comes from a file a command produced: the targets, the
 * checker's throughput per reference layer, and the hunts with the baseline beside rdmacheck.
 *
 *   npx ts-node --transpile-only bench/readme-tables.ts [bench/results.json]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt } from './stats';
import type { BenchResult } from './targets';
import { medianTotalMs, runsRatio, targetsMarkdown } from './targets';
import type { CheckRate } from './throughput';

/** A markdown table from a header and rows (first column left, the others right-aligned). */
function table(header: string[], rows: string[][]): string {
  const rule = header.map((_, c) => (c === 0 ? '---' : '---:'));
  return [header, rule, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The checker's throughput per reference layer. */
export function throughputMarkdown(checker: CheckRate[]): string {
  return table(
    ['reference layer', 'checked scenarios/s, wall', 'per CPU second', 'violated'],
    checker.map((c) => [
      c.layer,
      fmt(Math.round(c.scenariosPerSecond)),
      fmt(Math.round(c.scenariosPerCpuSecond)),
      c.violated.join(', ') || '-',
    ]),
  );
}

/** The hunts, rdmacheck and the baseline side by side, with the ratios the targets read. */
export function huntsMarkdown(hunts: NonNullable<BenchResult['hunts']>): string {
  const pct = (n: number, of: number) => (of === 0 ? '-' : `${Math.round((100 * n) / of)}%`);
  return table(
    [
      'bug',
      'found',
      'runs to failure (median / p95)',
      'ms to failure',
      'ms after failure',
      'shrunk size',
      '1-minimal',
      'baseline: found',
      'baseline: runs',
      'baseline: size',
      'baseline: 1-minimal',
      'runs, baseline / rdmacheck',
      'ms to minimal report, baseline / rdmacheck',
    ],
    hunts.map((h) => {
      const r = h.rdmacheck;
      const b = h.baseline;
      const ratio = runsRatio(h);
      const speed = medianTotalMs(h.raw.baseline) / medianTotalMs(h.raw.rdmacheck);
      return [
        `${h.depth === 'deep' ? 'deep: ' : ''}${h.bug}${(h as { finding?: string }).finding ? ` (${(h as { finding?: string }).finding})` : ''}`,
        `${r.found}/${r.seeds}`,
        `${fmt(r.runs.median)} / ${fmt(r.runs.p95)}`,
        fmt(r.msToFailure.median),
        fmt(r.msAfterFailure.median),
        fmt(r.size.median),
        pct(r.oneMinimal, r.found),
        `${b.found}/${b.seeds}`,
        b.found === 0 ? '-' : `${fmt(b.runs.median)} / ${fmt(b.runs.p95)}`,
        b.found === 0 ? '-' : fmt(b.size.median),
        pct(b.oneMinimal, b.found),
        ratio === Infinity ? 'rdmacheck alone' : Number.isNaN(ratio) ? '-' : `${ratio.toFixed(1)}x`,
        Number.isFinite(speed) ? `${speed.toFixed(2)}x` : '-',
      ];
    }),
  );
}

if (require.main === module) {
  const file = process.argv[2] ?? join(__dirname, 'results.json');
  const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult & {
    machine?: Record<string, unknown>;
    throughput?: { checker: CheckRate[] };
  };
  console.log(`<!-- from ${file}: ${JSON.stringify(result.machine ?? {})} -->\n`);
  console.log(`${targetsMarkdown(result)}\n`);
  if (result.throughput) console.log(`${throughputMarkdown(result.throughput.checker)}\n`);
  if (result.hunts) console.log(huntsMarkdown(result.hunts));
}
