/**
 * `rdmacheck merge REPORT.json...`: folds the JSON reports of a sharded campaign into one audit
 * matrix and one set of minimal counterexamples, with the campaign's total scenarios per second.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Report } from '../../core/results';
import { renderMatrixText } from '../../report/matrix';
import { seedLine } from '../../report/seed-line';
import { choiceOption, parseCommand } from '../args';
import { CliError, EXIT } from '../errors';
import type { CliIo } from '../io';
import { asJsonAudit, mergeAudits } from '../merge-report';
import type { MergedCampaign } from '../merge-report';

/** Usage of merge. */
export const MERGE_USAGE = `usage: rdmacheck merge REPORT.json... [--format text|json]
  REPORT.json       the --format json output of each shard: rdmacheck audit LAYER --shard I/N --format json
  --format F        text (default): the merged matrix, counterexamples and throughput | json
Exit: 0 every property holds, 1 violations found, 2 usage or input error.`;

/** Runs `merge`; returns the exit code. */
export async function mergeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('merge', argv, { format: { type: 'string' } });
  if (values.help) {
    io.stdout.write(`${MERGE_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length === 0)
    throw new CliError('rdmacheck merge: give the shard reports (see rdmacheck merge --help)');
  const format = choiceOption('merge', 'format', values.format, ['text', 'json'] as const, 'text');
  const reports = positionals.map((file) => {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, file), 'utf8');
    } catch (e) {
      throw new CliError(
        `rdmacheck merge: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
    try {
      return { source: file, audit: asJsonAudit(JSON.parse(text), file) };
    } catch (e) {
      throw new CliError(
        `rdmacheck merge: ${e instanceof SyntaxError ? `${file} is not JSON (${e.message})` : (e as Error).message}`,
      );
    }
  });
  let merged: MergedCampaign;
  try {
    merged = mergeAudits(reports);
  } catch (e) {
    throw new CliError(`rdmacheck merge: ${(e as Error).message}`);
  }
  if (format === 'json') io.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
  else io.stdout.write(mergedText(merged));
  return merged.ok ? EXIT.ok : EXIT.violations;
}

function mergedText(m: MergedCampaign): string {
  const perShard = m.shards.reduce((n, s) => n + (s.elapsedMs > 0 ? s.scenarios / (s.elapsedMs / 1000) : 0), 0);
  const lines = [
    `rdmacheck merge: layer ${m.layer} on ${m.adapter}, ${m.shards.length} shard report${m.shards.length === 1 ? '' : 's'} (seeds ${m.shards.map((s) => s.seed).join(', ')})`,
    `${m.scenarios.toLocaleString('en-US')} scenarios; the slowest shard took ${(m.elapsedMs / 1000).toFixed(1)} s: ` +
      `${Math.round(m.scenarios / (m.elapsedMs / 1000)).toLocaleString('en-US')} scenarios/s for the campaign run in parallel ` +
      `(the shards' own rates add up to ${Math.round(perShard).toLocaleString('en-US')}/s)`,
    '',
  ];
  if (m.missingShards.length > 0)
    lines.push(`missing shards: ${m.missingShards.join(', ')} of ${m.shards[0].shard?.count}`, '');
  const asReport: Report = {
    layer: m.layer,
    adapter: m.adapter,
    seed: m.seed,
    ok: m.ok,
    results: m.results.map((r) => ({
      property: r.property,
      status: r.status,
      runs: r.runs,
      ...(r.opcode === null ? {} : { opcode: r.opcode as NonNullable<Report['results'][number]['opcode']> }),
    })),
  };
  lines.push(renderMatrixText(asReport).trimEnd());
  for (const r of m.results.filter((x) => x.counterexample !== undefined)) {
    const cx = r.counterexample!;
    lines.push('', `${r.property} [${r.opcode ?? 'all'}] violated: ${cx.explanation}`);
    lines.push(
      `  ${seedLine(cx.seed, cx.path)}${cx.size === undefined ? '' : `; size ${cx.size}`}${cx.file ? `; file ${cx.file}` : ''}`,
    );
  }
  for (const r of m.results.filter((x) => x.status === 'unknown'))
    lines.push(`${r.property} [${r.opcode ?? 'all'}] unknown: ${r.reason}`);
  const count = m.results.filter((r) => r.status === 'violated').length;
  lines.push('', m.ok ? 'every property holds' : `${count} violated cell${count === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
