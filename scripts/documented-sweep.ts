/**
 * Sweeps the documented audits beyond seed 1 (npm run audit:sweep): audits each reference layer
 * with the built CLI (`node dist/src/cli/main.js audit LAYER --seed S --format json`, the default
 * 200 runs per op class) for each seed, compares every report with the layer's `expected` exactly
 * as the CLI does (src/cli/documented.ts), and prints one line per layer: the seeds that match,
 * and each differing cell with the seeds that reach it. Run `npm run build` first.
 *
 *   npm run audit:sweep -- [--seeds 2-6] [--layers kucx-failover,shift] [--runs N] [--jobs 2] [--json FILE]
 *
 * Exit 1 when some cell differs, 0 when every audit matches, 2 on bad input.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareWithDocumented } from '../src/cli/documented';
import type { Report } from '../src/core/results';
import { layers, referenceLayerNames } from '../src/layers';

const CLI = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');

interface SweepOptions {
  seeds: number[];
  layerNames: string[];
  runs?: number;
  jobs: number;
  json?: string;
}

/** One differing cell: the comparison's line, and the run that reached it when it was violated. */
interface DifferingCell {
  cell: string;
  line: string;
  run?: number;
}

/** One audit's outcome: the differing cells (empty when it matches) or why it could not run. */
interface AuditOutcome {
  layer: string;
  seed: number;
  differs: DifferingCell[];
  /** Documented violations this seed's search did not reach (not a difference: another seed's luck). */
  notReached: string[];
  elapsedMs: number;
  error?: string;
}

function usage(message: string): never {
  process.stderr.write(
    `audit:sweep: ${message}; usage: npm run audit:sweep -- [--seeds 2-6] [--layers a,b] [--runs N] [--jobs N] [--json FILE]\n`,
  );
  process.exit(2);
}

/** "2-6" or "2,4,9" as a list of seeds. */
function parseSeeds(text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range !== null) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (to < from) usage(`--seeds ${text} is an empty range`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  const seeds = text.split(',').map(Number);
  if (seeds.some((s) => !Number.isInteger(s))) usage(`--seeds takes a range (2-6) or a list (2,4,9), not "${text}"`);
  return seeds;
}

function parseOptions(argv: string[]): SweepOptions {
  const all = referenceLayerNames.map((n) => layers[n].name);
  const options: SweepOptions = { seeds: parseSeeds('2-6'), layerNames: all, jobs: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) usage(`${flag} needs a value`);
    if (flag === '--seeds') options.seeds = parseSeeds(value);
    else if (flag === '--layers') options.layerNames = value.split(',');
    else if (flag === '--runs') options.runs = Number(value);
    else if (flag === '--jobs') options.jobs = Math.max(1, Number(value));
    else if (flag === '--json') options.json = value;
    else usage(`unknown option ${flag}`);
  }
  const unknown = options.layerNames.filter((n) => !all.includes(n));
  if (unknown.length > 0) usage(`not reference layers: ${unknown.join(', ')} (rdmacheck layers lists them)`);
  return options;
}

/** Runs one audit in a child process and compares its JSON report with the documentation. */
function audit(layer: string, seed: number, runs: number | undefined): Promise<AuditOutcome> {
  const args = [CLI, 'audit', layer, '--seed', String(seed), '--format', 'json'];
  if (runs !== undefined) args.push('--runs', String(runs));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', (code) => {
      const base = { layer, seed, differs: [], notReached: [], elapsedMs: 0 };
      // Exit 0 (holds) and 1 (violations) both print a report; anything else is a failed audit.
      if (code !== 0 && code !== 1) return resolve({ ...base, error: `exit ${code}` });
      const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Report & { elapsedMs: number };
      const verdict = compareWithDocumented(layer, report) ?? '';
      const lines = verdict.startsWith(`documented audit of ${layer}: DIFFERS`)
        ? verdict
            .split('\n')
            .filter((line) => /^ {2}\S.*: documented /.test(line))
            .map((line) => line.trim())
        : [];
      const differs = lines.map((line): DifferingCell => {
        const cell = line.slice(0, line.indexOf(': documented'));
        const r = report.results.find((x) => `${x.property} [${x.opcode ?? 'all'}]` === cell);
        return { cell, line, ...(r?.status === 'violated' ? { run: r.runs } : {}) };
      });
      const notReachedLine = verdict.split('\n').find((l) => l.startsWith('  documented violated, not reached'));
      const notReached =
        notReachedLine === undefined ? [] : notReachedLine.slice(notReachedLine.indexOf('): ') + 3).split(', ');
      resolve({ ...base, differs, notReached, elapsedMs: report.elapsedMs });
    });
  });
}

/** Runs the audits `jobs` at a time, in layer-then-seed order. */
async function sweep(options: SweepOptions): Promise<AuditOutcome[]> {
  const queue = options.layerNames.flatMap((layer) => options.seeds.map((seed) => ({ layer, seed })));
  const outcomes: AuditOutcome[] = [];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const outcome = await audit(next.layer, next.seed, options.runs);
      process.stderr.write(
        `  ${next.layer} seed ${next.seed}: ${outcome.error ?? (outcome.differs.length === 0 ? 'matches' : `${outcome.differs.length} differing`)} (${(outcome.elapsedMs / 1000).toFixed(1)} s)\n`,
      );
      outcomes.push(outcome);
    }
  };
  await Promise.all(Array.from({ length: options.jobs }, worker));
  return outcomes;
}

/** One line per layer: "LAYER: matches at seeds 2-6" or each differing cell with its seeds. */
function summaryLine(layer: string, seeds: number[], outcomes: AuditOutcome[]): string {
  const mine = outcomes.filter((o) => o.layer === layer).sort((a, b) => a.seed - b.seed);
  const failed = mine.filter((o) => o.error !== undefined).map((o) => `seed ${o.seed} ${o.error}`);
  const cells = new Map<string, string[]>();
  for (const o of mine)
    for (const d of o.differs)
      cells.set(d.line, [
        ...(cells.get(d.line) ?? []),
        d.run === undefined ? `seed ${o.seed}` : `seed ${o.seed} run ${d.run}`,
      ]);
  const parts = [...cells].map(([line, at]) => `${line} (${at.join(', ')})`);
  const missed = new Map<string, number[]>();
  for (const o of mine) for (const cell of o.notReached) missed.set(cell, [...(missed.get(cell) ?? []), o.seed]);
  const note =
    missed.size === 0
      ? ''
      : ` (documented violations not reached, not a difference: ${[...missed].map(([cell, at]) => `${cell} at seed ${at.join(', ')}`).join('; ')})`;
  const seedList = seeds.length > 1 ? `seeds ${seeds.join(', ')}` : `seed ${seeds[0]}`;
  if (parts.length === 0 && failed.length === 0) return `${layer}: matches at ${seedList}${note}`;
  return `${layer}: DIFFERS: ${[...parts, ...failed].join('; ')}${note}`;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) usage(`${CLI} is missing: run npm run build first`);
  const options = parseOptions(process.argv.slice(2));
  const outcomes = await sweep(options);
  for (const layer of options.layerNames) process.stdout.write(`${summaryLine(layer, options.seeds, outcomes)}\n`);
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(outcomes, null, 2)}\n`);
  process.exitCode = outcomes.some((o) => o.differs.length > 0 || o.error !== undefined) ? 1 : 0;
}

void main();
