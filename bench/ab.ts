/**
 * A/B in one process: the checker of another checkout (A, e.g. the commit before a change) and
 * this one (B) audit the same layer on the same seeds, interleaved round by round (the order
 * alternating), so that the load of a shared machine weighs on both alike. Prints each round's
 * rates and, over every round but the first (JIT warm-up), the rates from wall time and from the
 * process's CPU time: on a machine shared with other work, CPU time is the steadier figure.
 * Verdicts must agree round by round ("VERDICTS DIFFER" otherwise).
 *
 *   npx ts-node --transpile-only bench/ab.ts /path/to/other/checkout [layer] [numRuns] [rounds]
 */
import { join, resolve } from 'node:path';
import { checkLayer as checkB } from '../src/check';
import type { Report } from '../src/core/results';
import { layers } from '../src/layers';
import { median, now } from './stats';

const [dir, layerName = 'completionLog', runs = '100', rounds = '9'] = process.argv.slice(2);
if (!dir) {
  console.error('bench/ab: give the other checkout (A) as the first argument');
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a checkout chosen at run time
const a = require(join(resolve(dir), 'src/check')) as { checkLayer: typeof checkB };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the same layer, from that checkout
const layersA = require(join(resolve(dir), 'src/layers')).layers as typeof layers;
const name = layerName as keyof typeof layers;

/** CPU milliseconds of this process so far (user and system). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Wall ms, CPU ms and a one-line summary of the verdicts of one audit. */
async function timed(f: () => Promise<Report>): Promise<{ wall: number; cpu: number; summary: string }> {
  const t = now();
  const c = cpuMs();
  const r = await f();
  const summary = r.results.map((x) => `${x.property}/${x.opcode ?? 'all'}:${x.status}:${x.runs}`).join(' ');
  return { wall: now() - t, cpu: cpuMs() - c, summary };
}

(async () => {
  const numRuns = Number(runs);
  const scen = numRuns * 6;
  const ratios: number[] = [];
  const total = { aWall: 0, bWall: 0, aCpu: 0, bCpu: 0, scenarios: 0 };
  for (let k = 1; k <= Number(rounds); k++) {
    const runA = () => timed(() => a.checkLayer(layersA[name], { numRuns, seed: k, timeLimitMs: 1e9 }));
    const runB = () => timed(() => checkB(layers[name], { numRuns, seed: k, timeLimitMs: 1e9 }));
    let ra;
    let rb;
    if (k % 2 === 0) {
      ra = await runA();
      rb = await runB();
    } else {
      rb = await runB();
      ra = await runA();
    }
    const rate = (ms: number) => ((scen / ms) * 1000).toFixed(0);
    console.log(
      `seed ${k}: A ${rate(ra.wall)}/s (cpu ${rate(ra.cpu)}/s)  B ${rate(rb.wall)}/s (cpu ${rate(rb.cpu)}/s)  A/B cpu time ${(ra.cpu / rb.cpu).toFixed(2)}${ra.summary === rb.summary ? '' : '  VERDICTS DIFFER'}`,
    );
    if (k === 1) continue; // warm-up
    ratios.push(ra.cpu / rb.cpu);
    total.aWall += ra.wall;
    total.bWall += rb.wall;
    total.aCpu += ra.cpu;
    total.bCpu += rb.cpu;
    total.scenarios += scen;
  }
  const rate = (ms: number) => ((total.scenarios / ms) * 1000).toFixed(0);
  console.log(
    `rounds 2-${rounds}: A ${rate(total.aWall)}/s wall, ${rate(total.aCpu)}/s cpu; B ${rate(total.bWall)}/s wall, ${rate(total.bCpu)}/s cpu`,
  );
  console.log(
    `speed-up B over A: ${(total.aCpu / total.bCpu).toFixed(2)}x in CPU time (median of rounds ${median(ratios).toFixed(2)}x), ${(total.aWall / total.bWall).toFixed(2)}x in wall time`,
  );
})();
