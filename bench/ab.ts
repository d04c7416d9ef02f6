/**
 * A/B in one process: the checker of another checkout (A, e.g. the commit before a change) and
 * this one (B) audit the same layer on the same seeds, interleaved round by round, so that the
 * load of a shared machine weighs on both alike. Prints each round's ratio and their median.
 *
 *   npx ts-node --transpile-only bench/ab.ts /path/to/other/checkout [layer] [numRuns] [rounds]
 */
import { join, resolve } from 'node:path';
import { checkLayer as checkB } from '../src/check';
import type { Report } from '../src/core/results';
import { layers } from '../src/layers';
import { median, now } from './stats';

const [dir, layerName = 'completionLog', runs = '100', rounds = '5'] = process.argv.slice(2);
if (!dir) {
  console.error('bench/ab: give the other checkout (A) as the first argument');
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a checkout chosen at run time
const a = require(join(resolve(dir), 'src/check')) as { checkLayer: typeof checkB };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the same layer, from that checkout
const layersA = require(join(resolve(dir), 'src/layers')).layers as typeof layers;
const name = layerName as keyof typeof layers;

async function timed(f: () => Promise<Report>): Promise<[number, string]> {
  const t = now();
  const r = await f();
  const summary = r.results.map((x) => `${x.property}/${x.opcode ?? 'all'}:${x.status}:${x.runs}`).join(' ');
  return [now() - t, summary];
}

(async () => {
  const ratios: number[] = [];
  const numRuns = Number(runs);
  for (let k = 1; k <= Number(rounds); k++) {
    const [ta, ra] = await timed(() => a.checkLayer(layersA[name], { numRuns, seed: k, timeLimitMs: 1e9 }));
    const [tb, rb] = await timed(() => checkB(layers[name], { numRuns, seed: k, timeLimitMs: 1e9 }));
    const scen = numRuns * 6;
    ratios.push(ta / tb);
    console.log(
      `seed ${k}: A ${((scen / ta) * 1000).toFixed(0)}/s  B ${((scen / tb) * 1000).toFixed(0)}/s  A/B time ${(ta / tb).toFixed(2)}${ra === rb ? '' : '  VERDICTS DIFFER'}`,
    );
  }
  console.log(`median speed-up B over A: ${median(ratios).toFixed(2)}x`);
})();
