import { checkLayer } from '../src/check';
import { layers } from '../src/layers';
(async () => {
  const t = performance.now();
  const runs = Number(process.env.RUNS ?? 300);
  await checkLayer(layers.completionLog, { numRuns: runs, timeLimitMs: 1e9 });
  const s = (performance.now() - t) / 1000;
  console.log(`${(runs * 6 / s).toFixed(0)} scenarios/s in ${s.toFixed(2)} s`);
})();
