/**
 * A/B: the checker of another checkout (A, e.g. the commit before a change) and this one (B)
 * audit the same layer on the same seeds, interleaved round by round (the order alternating), so
 * that the load of a shared machine weighs on both alike. Prints each round's rates and, over
 * every round but the first (JIT warm-up), the rates from wall time and from CPU time: on a
 * machine shared with other work, CPU time is the steadier figure. Verdicts must agree round by
 * round ("VERDICTS DIFFER" otherwise).
 *
 * By default both checkers share this process, and so its heap: garbage that one of them leaves
 * for the old generation is collected on the other's time too, which hides a change in garbage
 * collection. With --processes every audit runs in a process of its own (warmed up with an
 * audit of another seed first; only the measured audit's CPU time counts). With --best-of K (and
 * --processes), each process audits its seed K times after the warm-up and reports the fastest in
 * CPU time: on a machine shared with other work, the least disturbed of K is the steadier figure.
 *
 *   npx ts-node --transpile-only bench/ab.ts /path/to/other/checkout [layer] [numRuns] [rounds] [--processes] [--best-of K]
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { checkLayer as CheckLayer } from '../src/check';
import type { Report } from '../src/core/results';
import type { layers as Layers } from '../src/layers';
import { median, now } from './stats';

/** One audit's wall and CPU milliseconds, and a one-line summary of its verdicts. */
interface Timed {
  wall: number;
  cpu: number;
  summary: string;
  /** Audit columns (op classes, and the mixed column): numRuns scenarios each. */
  columns: number;
}

/** CPU milliseconds of this process so far (user and system). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The checkLayer and the layers of a checkout. */
function checkerOf(dir: string): { checkLayer: typeof CheckLayer; layers: typeof Layers } {
  /* eslint-disable @typescript-eslint/no-require-imports -- a checkout chosen at run time */
  return {
    checkLayer: (require(join(resolve(dir), 'src/check')) as { checkLayer: typeof CheckLayer }).checkLayer,
    layers: (require(join(resolve(dir), 'src/layers')) as { layers: typeof Layers }).layers,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Audits `layerName` with the checker of `dir` at `seed`, timed. */
async function audit(dir: string, layerName: string, numRuns: number, seed: number): Promise<Timed> {
  const { checkLayer, layers } = checkerOf(dir);
  const layer = layers[layerName as keyof typeof Layers];
  const t = now();
  const c = cpuMs();
  const r: Report = await checkLayer(layer, { numRuns, seed, timeLimitMs: 1e9 });
  const summary = r.results.map((x) => `${x.property}/${x.opcode ?? 'all'}:${x.status}:${x.runs}`).join(' ');
  const columns = new Set(r.results.filter((x) => x.opcode !== undefined).map((x) => x.opcode)).size;
  return { wall: now() - t, cpu: cpuMs() - c, summary, columns };
}

/** The same audit in a fresh process, after a warm-up audit of another seed there. */
function auditInProcess(dir: string, layerName: string, numRuns: number, seed: number, bestOf: number): Timed {
  const out = execFileSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      __filename,
      '--child',
      dir,
      layerName,
      String(numRuns),
      String(seed),
      String(bestOf),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as Timed;
}

async function child(dir: string, layerName: string, runs: string, seed: string, bestOf = '1'): Promise<void> {
  await audit(dir, layerName, Number(runs), 1000 + Number(seed)); // JIT warm-up, not measured
  let best: Timed | undefined;
  for (let k = 0; k < Number(bestOf); k++) {
    const t = await audit(dir, layerName, Number(runs), Number(seed));
    if (!best || t.cpu < best.cpu) best = t;
  }
  console.log(JSON.stringify(best));
}

async function main(args: string[]): Promise<void> {
  const processes = args.includes('--processes');
  const bestAt = args.indexOf('--best-of');
  const bestOf = bestAt >= 0 ? Number(args[bestAt + 1]) : 1;
  const [dir, layerName = 'completionLog', runs = '100', rounds = '9'] = args.filter(
    (a, k) => a !== '--processes' && k !== bestAt && (bestAt < 0 || k !== bestAt + 1),
  );
  if (!dir) {
    console.error('bench/ab: give the other checkout (A) as the first argument');
    process.exit(2);
  }
  const self = resolve(__dirname, '..');
  const numRuns = Number(runs);
  const one = (checkout: string, seed: number): Promise<Timed> =>
    processes
      ? Promise.resolve(auditInProcess(checkout, layerName, numRuns, seed, bestOf))
      : audit(checkout, layerName, numRuns, seed);
  const ratios: number[] = [];
  const total = { aWall: 0, bWall: 0, aCpu: 0, bCpu: 0, scenarios: 0 };
  for (let k = 1; k <= Number(rounds); k++) {
    let ra: Timed;
    let rb: Timed;
    if (k % 2 === 0) {
      ra = await one(dir, k);
      rb = await one(self, k);
    } else {
      rb = await one(self, k);
      ra = await one(dir, k);
    }
    // Every column counts: the six op classes and the mixed column (the rounds before the fifth counted six).
    const scen = numRuns * rb.columns;
    const rate = (ms: number) => ((scen / ms) * 1000).toFixed(0);
    console.log(
      `seed ${k}: A ${rate(ra.wall)}/s (cpu ${rate(ra.cpu)}/s)  B ${rate(rb.wall)}/s (cpu ${rate(rb.cpu)}/s)  A/B cpu time ${(ra.cpu / rb.cpu).toFixed(2)}${ra.summary === rb.summary ? '' : '  VERDICTS DIFFER'}`,
    );
    // In one process the first round warms the JIT up; a process of its own is warmed up already.
    if (k === 1 && !processes) continue;
    ratios.push(ra.cpu / rb.cpu);
    total.aWall += ra.wall;
    total.bWall += rb.wall;
    total.aCpu += ra.cpu;
    total.bCpu += rb.cpu;
    total.scenarios += scen;
  }
  const rate = (ms: number) => ((total.scenarios / ms) * 1000).toFixed(0);
  console.log(
    `rounds ${processes ? 1 : 2}-${rounds}: A ${rate(total.aWall)}/s wall, ${rate(total.aCpu)}/s cpu; B ${rate(total.bWall)}/s wall, ${rate(total.bCpu)}/s cpu`,
  );
  console.log(
    `speed-up B over A: ${(total.aCpu / total.bCpu).toFixed(2)}x in CPU time (median of rounds ${median(ratios).toFixed(2)}x), ${(total.aWall / total.bWall).toFixed(2)}x in wall time`,
  );
}

const argv = process.argv.slice(2);
void (argv[0] === '--child' ? child(argv[1], argv[2], argv[3], argv[4], argv[5]) : main(argv));
