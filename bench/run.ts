/**
 * npm run bench: everything issue 13 lists, in one process on one core, printed as tables and
 * written as JSON (bench/results.json unless --out). Sections: throughput (generator, simulator,
 * checker per reference layer), hunts (every broken reference layer and the deep bugs, rdmacheck
 * and the fast-check baseline on the same seeds), memory (heap over many checked scenarios).
 *
 *   npm run bench                      full run (100 seeds, 1,000,000 scenarios for the heap)
 *   npm run bench -- --quick           a few minutes: 10 seeds, 60,000 scenarios
 *   npm run bench -- --only hunts --seeds 20 --out /tmp/b.json
 *   npm run bench -- --only hunts --bugs kucx,shift+ --seeds 3   the hunts whose name contains
 *                                      one of these (spaces dropped: 'shift+' is shift's own rows)
 *   npm run bench -- --only hunts --minimal   keep every shrunk scenario in the JSON
 *
 * Wall-clock figures on a shared machine are noisy: the ratios inside one run are what to read.
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { BUGS } from './bugs';
import { huntWithBaseline } from './baseline';
import type { Hunt } from './hunt';
import { huntWithRdmacheck } from './hunt';
import { heapCurve } from './memory';
import { summarize } from './summary';
import type { HuntSummary } from './summary';
import { fmt, printTable } from './stats';
import { judge, medianTotalMs, printTargets } from './targets';
import { checkerRates, generatorRate, simulatorRates } from './throughput';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const value = (name: string): string | undefined => {
  const k = argv.indexOf(`--${name}`);
  return k >= 0 ? argv[k + 1] : undefined;
};
const quick = flag('quick');
const seeds = Number(value('seeds') ?? (quick ? 10 : 100));
const budget = Number(value('budget') ?? 10_000);
const checkRuns = Number(value('check-runs') ?? (quick ? 100 : 500));
const heapScenarios = Number(value('heap-scenarios') ?? (quick ? 60_000 : 1_000_000));
const only = value('only')?.split(',');
const out = value('out') ?? join(__dirname, 'results.json');
const wanted = (section: string) => !only || only.includes(section);
const bugFilter = value('bugs')?.split(',');
/** A hunt as the JSON keeps it: with its shrunk scenario only when asked (--minimal). */
const kept = (h: Hunt): Hunt => {
  if (flag('minimal')) return h;
  const { minimal: _omitted, ...figures } = h;
  return figures;
};
const huntedBugs = BUGS.filter((b) => !bugFilter || bugFilter.some((f) => b.name.replace(/ /g, '').includes(f)));

function machine(): Record<string, unknown> {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: __dirname }).toString().trim();
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    commit,
    date: new Date().toISOString(),
  };
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    machine: machine(),
    settings: { seeds, budget, checkRuns, heapScenarios, ...(bugFilter ? { bugs: bugFilter } : {}) },
  };
  console.log(`rdmacheck bench: ${JSON.stringify(results.machine)}`);
  if (wanted('throughput')) {
    const generator = generatorRate(quick ? 2_000 : 10_000);
    console.log(`\ngenerator alone: ${fmt(Math.round(generator))} scenarios/s`);
    const simulator = simulatorRates(quick ? 1_000 : 5_000);
    printTable(
      'Simulator alone (generated scenarios, every op class, best of 3)',
      ['layer', 'events/run', 'M events/s', 'runs/s'],
      simulator.map((r) => [
        r.layer,
        fmt(r.eventsPerRun),
        (r.eventsPerSecond / 1e6).toFixed(2),
        fmt(Math.round(r.runsPerSecond)),
      ]),
    );
    const checker = await checkerRates(checkRuns);
    printTable(
      `Checker: every property, every op class, ${checkRuns} runs per op class (shrinking included)`,
      ['layer', 'scenarios', 'seconds', 'scenarios/s', 'per CPU second', 'violated'],
      checker.map((r) => [
        r.layer,
        fmt(r.scenarios),
        r.seconds.toFixed(2),
        fmt(Math.round(r.scenariosPerSecond)),
        fmt(Math.round(r.scenariosPerCpuSecond)),
        r.violated.join(', ') || '-',
      ]),
    );
    results.throughput = { generatorScenariosPerSecond: generator, simulator, checker };
  }
  if (wanted('hunts')) {
    const hunts: {
      bug: string;
      depth: string;
      finding?: string;
      rdmacheck: HuntSummary;
      baseline: HuntSummary;
      raw: { rdmacheck: Hunt[]; baseline: Hunt[] };
    }[] = [];
    for (const bug of huntedBugs) {
      const mine: Hunt[] = [];
      const theirs: Hunt[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        // Interleaved, so that machine load hits both alike.
        mine.push(await huntWithRdmacheck(bug, seed, budget));
        theirs.push(await huntWithBaseline(bug, seed, budget));
      }
      const entry = {
        bug: bug.name,
        depth: bug.depth,
        ...(bug.finding === undefined ? {} : { finding: bug.finding }),
        rdmacheck: summarize(mine),
        baseline: summarize(theirs),
        raw: { rdmacheck: mine.map(kept), baseline: theirs.map(kept) },
      };
      hunts.push(entry);
      console.log(
        `  ${bug.name}: rdmacheck ${entry.rdmacheck.found}/${seeds}, baseline ${entry.baseline.found}/${seeds}`,
      );
    }
    const row = (label: string, s: HuntSummary) => [
      label,
      `${s.found}/${s.seeds}`,
      `${fmt(s.runs.median)} / ${fmt(s.runs.p95)}`,
      `${fmt(s.msToFailure.median)} / ${fmt(s.msToFailure.p95)}`,
      `${fmt(s.msAfterFailure.median)} / ${fmt(s.msAfterFailure.p95)}`,
      `${fmt(s.size.median)} / ${fmt(s.size.p95)}`,
      s.found === 0 ? '-' : `${fmt(Math.round((100 * s.oneMinimal) / s.found))}%`,
    ];
    printTable(
      `Hunts: ${seeds} seeds, budget ${fmt(budget)} runs; median / p95 over the seeds that found it`,
      ['bug / tool', 'found', 'runs to failure', 'ms to failure', 'ms after failure', 'shrunk size', '1-minimal'],
      hunts.flatMap((h) => [row(`${h.bug} [${h.depth}]`, h.rdmacheck), row('  fast-check baseline', h.baseline)]),
    );
    printTable(
      'Ratios, baseline / rdmacheck (above 1: rdmacheck better), medians',
      ['bug', 'runs to failure', 'ms to failure', 'ms total', 'shrunk size'],
      hunts.map((h) => {
        const r = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? (a / b).toFixed(2) : '-');
        return [
          h.bug,
          r(h.baseline.runs.median, h.rdmacheck.runs.median),
          r(h.baseline.msToFailure.median, h.rdmacheck.msToFailure.median),
          // The median of per-seed totals, as the targets read it (not the sum of two medians).
          r(medianTotalMs(h.raw.baseline), medianTotalMs(h.raw.rdmacheck)),
          r(h.baseline.size.median, h.rdmacheck.size.median),
        ];
      }),
    );
    results.hunts = hunts;
  }
  if (wanted('memory')) {
    const curve = await heapCurve(heapScenarios);
    const heaps = curve.samples.map(([, mb]) => mb);
    const pick = [0, 1, Math.floor(heaps.length / 2), heaps.length - 1].filter((k, i, a) => a.indexOf(k) === i);
    printTable(
      `Heap after a forced GC, completion-log, every property (${fmt(curve.scenarios)} checked scenarios in ${curve.seconds.toFixed(0)} s)`,
      ['checked scenarios', 'heap MB'],
      pick.map((k) => [fmt(curve.samples[k][0]), curve.samples[k][1].toFixed(1)]),
    );
    results.memory = { ...curve, heapMBMin: Math.min(...heaps.slice(1)), heapMBMax: Math.max(...heaps.slice(1)) };
  }
  printTargets(results);
  results.targets = judge(results);
  writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
  console.log(`\nwritten: ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
