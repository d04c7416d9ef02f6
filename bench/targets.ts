/**
 * Issue 13's targets judged from one bench result (the JSON `npm run bench` writes): checker
 * throughput, shallow bugs found and shrunk no slower than the baseline and 1-minimal, deep bugs
 * found with 10x fewer runs (or by rdmacheck alone), the heap flat. Each target says met or not
 * and the figures it rests on, so the README's verdicts come from a command, not from prose.
 *
 *   npx ts-node --transpile-only bench/targets.ts [bench/results.json] [--markdown]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hunt } from './hunt';
import { fmt, median } from './stats';
import type { HuntSummary } from './summary';

/** The parts of a bench result the targets read (any may be absent: a section not run). */
export interface BenchResult {
  throughput?: { checker: { layer: string; scenariosPerCpuSecond: number }[] };
  hunts?: {
    bug: string;
    depth: string;
    rdmacheck: HuntSummary;
    baseline: HuntSummary;
    raw: { rdmacheck: Hunt[]; baseline: Hunt[] };
  }[];
  memory?: { scenarios: number; heapMBMin: number; heapMBMax: number };
}

/** One judged target: what it asks, whether it is met, and the figures. */
export interface Judged {
  target: string;
  met: boolean;
  figures: string;
}

/** Checked scenarios per CPU second the issue asks for, completion-log with every property. */
export const THROUGHPUT_TARGET = 20_000;
/** Fewer runs to a deep bug's first failure than the baseline needs, as the issue's goal. */
export const DEEP_RATIO_GOAL = 10;

/**
 * Median start-to-minimal-report wall time (ms to failure + ms after it, per seed) over the seeds
 * where this tool found the bug; NaN when it found it on none.
 */
export function medianTotalMs(hunts: Hunt[]): number {
  return median(hunts.filter((h) => h.found).map((h) => h.msToFailure! + h.msAfterFailure!));
}

/** Baseline runs / rdmacheck runs (medians); Infinity when only rdmacheck found the bug. */
export function runsRatio(h: { rdmacheck: HuntSummary; baseline: HuntSummary }): number {
  if (h.baseline.found === 0) return h.rdmacheck.found > 0 ? Infinity : NaN;
  return h.baseline.runs.median / h.rdmacheck.runs.median;
}

/** Every target the result has the sections for. */
export function judge(result: BenchResult): Judged[] {
  const out: Judged[] = [];
  const log = result.throughput?.checker.find((c) => c.layer === 'completionLog');
  if (log)
    out.push({
      target: `completion-log, every property: >= ${fmt(THROUGHPUT_TARGET)} checked scenarios per CPU second`,
      met: log.scenariosPerCpuSecond >= THROUGHPUT_TARGET,
      figures: `${fmt(Math.round(log.scenariosPerCpuSecond))} per CPU second (${(THROUGHPUT_TARGET / log.scenariosPerCpuSecond).toFixed(1)}x short)`,
    });
  const hunts = result.hunts ?? [];
  const shallow = hunts.filter((h) => h.depth === 'shallow');
  if (shallow.length > 0) {
    const speed = shallow.map((h) => medianTotalMs(h.raw.baseline) / medianTotalMs(h.raw.rdmacheck));
    const slower = shallow.filter((_, k) => !(speed[k] >= 1)).map((h) => h.bug);
    out.push({
      target: 'shallow bugs: found and shrunk no slower than the baseline (median ms, start to minimal report)',
      met: slower.length === 0,
      figures: `${fmt(Math.min(...speed), 2)}-${fmt(Math.max(...speed), 2)}x as fast${slower.length ? `; slower: ${slower.join('; ')}` : ''}`,
    });
    const minimal = shallow.filter((h) => h.rdmacheck.oneMinimal < h.rdmacheck.found).map((h) => h.bug);
    out.push({
      target: 'shallow bugs: shrunk results 1-minimal in 100%',
      met: minimal.length === 0,
      figures: minimal.length
        ? `not always 1-minimal: ${minimal.join('; ')}`
        : `${shallow.length} of ${shallow.length} bugs, every seed`,
    });
  }
  const deep = hunts.filter((h) => h.depth === 'deep');
  if (deep.length > 0) {
    const ratios = deep.map(runsRatio);
    const short = deep.filter((_, k) => !(ratios[k] >= DEEP_RATIO_GOAL));
    out.push({
      target: `deep bugs: ${DEEP_RATIO_GOAL}x fewer runs to the first failure than the baseline (or rdmacheck alone)`,
      met: short.length === 0,
      figures: `${deep.length - short.length} of ${deep.length}${short.length ? `; short: ${short.map((h) => `${h.bug} ${runsRatio(h).toFixed(1)}x (baseline ${fmt(h.baseline.runs.median)} runs, rdmacheck ${fmt(h.rdmacheck.runs.median)})`).join('; ')}` : ''}`,
    });
    const within = deep.filter((h) => 2 * h.rdmacheck.foundWithin200 > h.rdmacheck.seeds);
    out.push({
      target: 'deep bugs: found within the default audit (200 runs) on most seeds',
      met: within.length === deep.length,
      figures: `${within.length} of ${deep.length} bugs; fewest seeds: ${Math.min(...deep.map((h) => h.rdmacheck.foundWithin200))} of ${deep[0].rdmacheck.seeds}`,
    });
  }
  if (result.memory)
    out.push({
      target: 'memory: heap flat over many checked scenarios',
      met: result.memory.heapMBMax - result.memory.heapMBMin < 0.25 * result.memory.heapMBMax,
      figures: `${fmt(result.memory.heapMBMin, 1)}-${fmt(result.memory.heapMBMax, 1)} MB after every batch, ${fmt(result.memory.scenarios)} checked scenarios`,
    });
  return out;
}

/** The judged targets, one line each. */
export function printTargets(result: BenchResult): void {
  console.log("\nIssue 13's targets");
  for (const j of judge(result)) console.log(`  ${j.met ? 'met    ' : 'NOT MET'}  ${j.target}: ${j.figures}`);
}

/** The judged targets as a markdown table (README). */
export function targetsMarkdown(result: BenchResult): string {
  const rows = judge(result).map((j) => `| ${j.target} | ${j.met ? 'met' : '**not met**'} | ${j.figures} |`);
  return ['| target | | figures |', '| --- | --- | --- |', ...rows].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--')) ?? join(__dirname, 'results.json');
  const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  if (args.includes('--markdown')) console.log(targetsMarkdown(result));
  else printTargets(result);
}
