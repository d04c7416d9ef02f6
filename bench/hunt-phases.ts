/**
 * Where a shallow hunt's time after its first failure goes: the hunts of bench/hunt.ts, with the
 * simulator runs counted by phase (search, shrink, replay before report) and the time split into
 * the end of the search, the shrink and the replay. For profiling (`node --cpu-prof`) and for
 * checking that a change keeps every shrunk scenario (`--json FILE` writes them).
 *
 *   npx ts-node --transpile-only bench/hunt-phases.ts --bugs failStop,resendAll --seeds 30 --repeat 5
 */
import { writeFileSync } from 'node:fs';
import { sim } from '../adapters/sim';
import { checkColumns } from '../src/check';
import * as replayed from '../src/check/report-replayed';
import type { Adapter } from '../src/core/execution';
import { BUGS } from './bugs';
import { median, quantile, now } from './stats';

const argv = process.argv.slice(2);
const value = (name: string): string | undefined => {
  const k = argv.indexOf(`--${name}`);
  return k >= 0 ? argv[k + 1] : undefined;
};
const seeds = Number(value('seeds') ?? 30);
const repeat = Number(value('repeat') ?? 1);
const filter = value('bugs')?.split(',') ?? ['failStop', 'resendAll', 'timerHedge', 'shift+WRITE:lin'];
const json = value('json');
const bugs = BUGS.filter((b) => filter.some((f) => b.name.replace(/ /g, '').includes(f)));

let firstRunAt: number | undefined;
let phase: 'search' | 'shrink' | 'replay' = 'search';
const runs = { search: 0, shrink: 0, replay: 0 };
const runMs = { search: 0, shrink: 0, replay: 0 };
const inner = sim();
const counting: Adapter = {
  ...inner,
  runSync(s, l) {
    if (firstRunAt === undefined) firstRunAt = now();
    runs[phase]++;
    const t = now();
    try {
      return inner.runSync!(s, l);
    } finally {
      runMs[phase] += now() - t;
    }
  },
  async run(s, l) {
    runs[phase]++;
    return inner.runSync!(s, l);
  },
};
// Time the replay before report by wrapping the module export checkLayer calls.
const original = replayed.replayBeforeReport;
let replayMs = 0;
(replayed as { replayBeforeReport: typeof original }).replayBeforeReport = async (...args) => {
  const t = now();
  phase = 'replay';
  try {
    return await original(...args);
  } finally {
    replayMs += now() - t;
  }
};

async function main(): Promise<void> {
  const minimal: Record<string, unknown[]> = {};
  for (const b of bugs) {
    const toFailure: number[] = [];
    const after: number[] = [];
    const replay: number[] = [];
    const setup: number[] = [];
    const afterCpu: number[] = [];
    const shrinkRuns: number[] = [];
    const counts = { search: 0, shrink: 0, replay: 0 };
    minimal[b.name] = [];
    for (let r = 0; r < repeat; r++) {
      for (let seed = 1; seed <= seeds; seed++) {
        phase = 'search';
        runs.search = runs.shrink = runs.replay = 0;
        runMs.search = runMs.shrink = runMs.replay = 0;
        replayMs = 0;
        let foundAt: number | undefined;
        let cpuAt: NodeJS.CpuUsage | undefined;
        firstRunAt = undefined;
        const start = now();
        const report = await checkColumns(
          b.layer,
          {
            ...(b.opcode === 'mixed' ? {} : { opcodes: [b.opcode] }),
            properties: [b.property],
            numRuns: 10_000,
            seed,
            adapter: counting,
            onProgress: (p) => {
              if (p.failures > 0 && foundAt === undefined) {
                foundAt = now();
                cpuAt = process.cpuUsage();
                phase = 'shrink';
              }
            },
          },
          [b.opcode],
        );
        const end = now();
        const cpu = process.cpuUsage(cpuAt);
        const cx = report.results.find((x) => x.opcode === b.opcode)?.counterexample;
        if (!cx || foundAt === undefined) continue;
        toFailure.push(foundAt - start);
        setup.push(firstRunAt! - start);
        after.push(end - foundAt);
        afterCpu.push((cpu.user + cpu.system) / 1000);
        replay.push(replayMs);
        shrinkRuns.push(runMs.shrink);
        for (const k of ['search', 'shrink', 'replay'] as const) counts[k] += runs[k];
        if (r === 0) {
          const { scenario, path, explanation, events, trace } = cx;
          const result = report.results.find((x) => x.opcode === b.opcode)!;
          minimal[b.name].push({
            scenario,
            path,
            explanation,
            events,
            trace,
            reason: result.reason,
            runs: result.runs,
          });
        }
      }
    }
    const n = toFailure.length;
    const f = (xs: number[]) => `${median(xs).toFixed(2)} / ${quantile(xs, 0.95).toFixed(2)}`;
    console.log(
      `${b.name}: ${n} hunts; ms to failure ${f(toFailure)} (to the first run ${f(setup)}); after ${f(after)} (CPU ${f(afterCpu)}; replay ${f(replay)}, shrink candidates' runs ${f(shrinkRuns)}); ` +
        `runs per hunt: search ${(counts.search / n).toFixed(1)}, shrink ${(counts.shrink / n).toFixed(1)}, replay ${(counts.replay / n).toFixed(1)}`,
    );
  }
  if (json) writeFileSync(json, JSON.stringify(minimal));
}

void main();
