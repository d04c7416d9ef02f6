/**
 * A/B of parts of the checker in one process: coverageOf and every property but
 * sender-view-determinism, of another checkout (A) and of this one (B), over the runs of a
 * completion-log audit at seed 1 (1,000 runs per column, captured once), interleaved for 12 rounds
 * with the order alternating; the fastest round of each in CPU time (the minimum filters the load of
 * a shared machine). Each run is judged 3 times in a row, as the checker judges one run with every
 * property while it is in the cache. The replay is left out: in one process, B's env contract is
 * the one the simulator's runs also went through, which slows B's replay by a quarter with no change.
 *
 *   npx ts-node --transpile-only bench/ab-parts.ts /path/to/other/checkout [layer]
 */
import { join, resolve } from 'node:path';
import { sim } from '../adapters/sim';
import { checkLayer } from '../src/check';
import type { coverageOf as CoverageOf } from '../src/check/coverage/classes';
import type { Adapter, Execution } from '../src/core/execution';
import type { Property } from '../src/core/property';
import { layers } from '../src/layers';

/** What is compared of one checkout. */
interface Parts {
  coverageOf: typeof CoverageOf;
  properties: readonly Property[];
}

/** CPU microseconds of this process so far. */
function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function partsOf(dir: string): Parts {
  /* eslint-disable @typescript-eslint/no-require-imports -- a checkout chosen at run time */
  const coverage = require(join(dir, 'src/check/coverage/classes')) as { coverageOf: typeof CoverageOf };
  const props = require(join(dir, 'properties')) as { properties: { all: readonly Property[] } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { coverageOf: coverage.coverageOf, properties: props.properties.all };
}

async function main(other: string, layerName: keyof typeof layers): Promise<void> {
  const sides: Parts[] = [partsOf(resolve(other)), partsOf(resolve(__dirname, '..'))];
  const inner = sim();
  const runs: Execution[] = [];
  const recording: Adapter = {
    ...inner,
    runSync(s, l) {
      const r = inner.runSync!(s, l);
      runs.push(r);
      return r;
    },
  };
  const none: Property = { name: 'none', check: () => ({ status: 'holds' }) };
  await checkLayer(layers[layerName], { numRuns: 1000, seed: 1, adapter: recording, properties: [none] });
  const best = new Map<string, [number, number]>();
  const keep = (name: string, side: number, us: number) => {
    const b = best.get(name) ?? [Infinity, Infinity];
    b[side] = Math.min(b[side], us);
    best.set(name, b);
  };
  const time = (fn: (r: Execution) => unknown): number => {
    const t = cpuUs();
    for (const r of runs) for (let j = 0; j < 3; j++) fn(r);
    return (cpuUs() - t) / runs.length / 3;
  };
  for (let round = 0; round < 12; round++) {
    for (const side of round % 2 ? [0, 1] : [1, 0]) {
      const x = sides[side];
      keep(
        'coverage',
        side,
        time((r) => x.coverageOf(r.trace)),
      );
      for (const p of x.properties)
        if (p.name !== 'sender-view-determinism')
          keep(
            p.name,
            side,
            time((r) => p.check(r)),
          );
    }
  }
  console.log(`${runs.length} runs of ${layerName}; CPU us per run, fastest of 12 rounds`);
  for (const [name, [a, b]] of best)
    console.log(`${name}: A ${a.toFixed(2)}, B ${b.toFixed(2)}, A/B ${(a / b).toFixed(2)}`);
}

void main(process.argv[2] ?? '', (process.argv[3] ?? 'completionLog') as keyof typeof layers);
