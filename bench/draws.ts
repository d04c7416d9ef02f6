/**
 * npm run bench:draws: how often one generated scenario hits each bug, for rdmacheck's generator
 * (the column checkLayer searches) and for the fast-check baseline's commands, and what the
 * hitting scenarios look like. The per-run hit rate is what runs to the first failure estimate
 * (about 1 / rate), measured over many runs instead of read off a median of a few seeds, so a
 * generator change can be judged in one command.
 *
 *   npm run bench:draws -- --bugs shift+WRITE:failure --runs 4000 --seeds 1,2 [--features]
 *   npm run bench:draws -- --seeds 1-30 --runs 200 --rdmacheck-only   (a generator change's side alone)
 */
import fc from 'fast-check';
import { sim } from '../adapters/sim';
import { opClassArbitrary, resolveCheckOptions } from '../src/check';
import type { Scenario } from '../src/core/scenario';
import { baselineScenarios } from './baseline';
import type { Bug } from './bugs';
import { BUGS } from './bugs';
import { fmt, printTable } from './stats';

const argv = process.argv.slice(2);
const value = (name: string): string | undefined => {
  const k = argv.indexOf(`--${name}`);
  return k >= 0 ? argv[k + 1] : undefined;
};
const runs = Number(value('runs') ?? 3000);
/** "1,2,5" or a range "1-30". */
const seedList = (text: string): number[] => {
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (!range) return text.split(',').map(Number);
  return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, k) => Number(range[1]) + k);
};
const seeds = seedList(value('seeds') ?? '1');
const rdmacheckOnly = argv.includes('--rdmacheck-only');
const filter = value('bugs')?.split(',');
const showFeatures = argv.includes('--features');
const bugs = BUGS.filter(
  (b) => b.depth === 'deep' && (!filter || filter.some((f) => b.name.replace(/ /g, '').includes(f))),
);

/** A coarse description of a scenario: its faults' kinds, paths and anchors, and the workload's shape. */
function features(s: Scenario): string {
  const posts = s.workload.filter((w) => w.kind === 'post').length;
  const others = s.workload
    .filter((w) => w.kind === 'reuse' || w.kind === 'third')
    .map((w) => w.kind)
    .join('+');
  const faults = s.faults
    .map((f) => {
      const path = 'path' in f && f.path !== undefined ? `p${f.path}` : 'p*';
      const anchor = 'after' in f && f.after ? `@${f.after.on}` : '';
      const wr = 'wr' in f && f.wr !== undefined ? `w${f.wr}` : '';
      return `${f.kind}${f.kind === 'nic-death' || f.kind === 'qp-error' || f.kind === 'pause' ? `(${f.host})` : ''}:${path}${wr}${anchor}`;
    })
    .sort()
    .join(', ');
  return `retry ${s.config?.retryCnt}, ${posts} posts${others ? ` + ${others}` : ''} | ${faults}`;
}

/** Hits of `bug` among the first `n` scenarios `arb` draws under `seed`, and the hits' features. */
function rate(
  bug: Bug,
  arb: fc.Arbitrary<Scenario>,
  seed: number,
  n: number,
): { hits: number; seen: Map<string, number> } {
  const adapter = sim();
  let hits = 0;
  const seen = new Map<string, number>();
  fc.check(
    fc.property(arb, (scenario) => {
      try {
        const v = bug.property.check(adapter.runSync!(scenario, bug.layer));
        if (!(v instanceof Promise) && v.status === 'violated') {
          hits++;
          const key = features(scenario);
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }
      } catch {
        // a scenario the simulator refuses is no hit
      }
      return true;
    }),
    { seed, numRuns: n },
  );
  return { hits, seen };
}

function main(): void {
  const rows: string[][] = [];
  for (const bug of bugs) {
    const o = resolveCheckOptions(bug.layer, bug.opcode === 'mixed' ? {} : { opcodes: [bug.opcode] });
    const tools = [
      { tool: 'rdmacheck', arb: opClassArbitrary(bug.opcode, o) },
      ...(rdmacheckOnly ? [] : [{ tool: 'baseline', arb: baselineScenarios(bug) }]),
    ];
    const perTool = tools.map(({ tool, arb }) => {
      let hits = 0;
      const seen = new Map<string, number>();
      for (const seed of seeds) {
        const r = rate(bug, arb, seed, runs);
        hits += r.hits;
        for (const [k, c] of r.seen) seen.set(k, (seen.get(k) ?? 0) + c);
      }
      return { tool, hits, seen, total: runs * seeds.length };
    });
    const [mine, theirs = { tool: 'baseline', hits: 0, seen: new Map<string, number>(), total: 0 }] = perTool;
    const per = (x: { hits: number; total: number }) => (x.hits === 0 ? '-' : fmt(x.total / x.hits));
    rows.push([
      bug.name,
      `${mine.hits}/${mine.total}`,
      per(mine),
      `${theirs.hits}/${theirs.total}`,
      per(theirs),
      mine.hits === 0 || theirs.hits === 0 ? '-' : (mine.hits / theirs.hits).toFixed(2),
    ]);
    if (showFeatures)
      for (const t of perTool) {
        console.log(`\n${bug.name}, ${t.tool}: the hitting scenarios' shapes (most frequent first)`);
        for (const [k, c] of [...t.seen].sort((a, b) => b[1] - a[1]).slice(0, 12))
          console.log(`  ${String(c).padStart(5)}  ${k}`);
      }
  }
  printTable(
    `Hit rates: ${fmt(runs)} runs x ${seeds.length} seeds (${seeds[0]}-${seeds[seeds.length - 1]}); "runs per hit" is what runs to the first failure average`,
    ['bug', 'rdmacheck hits', 'runs per hit', 'baseline hits', 'runs per hit', 'rate ratio'],
    rows,
  );
}

main();
