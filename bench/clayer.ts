/**
 * npm run bench:clayer: the per-callback overhead of a C-ABI layer, isolated (child process) and
 * in-process (addon), against the same layer in TypeScript: resend-all (examples/c-layer and
 * src/layers/resendAll.ts) over the same generated scenarios. A callback is one observation
 * handed to the layer (AppPostSend, AppPostRecv, Completion, PortEvent, TimerFired,
 * ControlReceived); overhead = (run time - TypeScript run time) / callbacks. Needs `make -C
 * examples/c-layer` and `npm run build:clayer`. Wall-clock figures are noisy on shared machines.
 */
import fc from 'fast-check';
import * as path from 'node:path';
import { sim } from '../adapters/sim';
import { loadNativeLayer } from '../adapters/clayer';
import { scenarioArbitrary } from '../src/check/arbitraries';
import type { FailoverLayer } from '../src/core/layer';
import { isObservation } from '../src/core/trace';
import { layers } from '../src/layers';

const library = path.resolve(
  process.argv[2] ?? path.join(__dirname, '..', 'examples', 'c-layer', 'build', 'libresend_all.so'),
);
const scenarios = fc.sample(scenarioArbitrary({ maxFaults: 2 }), { numRuns: 300, seed: 1 });

/** Best of 3 rounds: seconds per round and layer callbacks per round. */
function measure(layer: FailoverLayer): { seconds: number; callbacks: number } {
  let best = Infinity;
  let callbacks = 0;
  for (let round = 0; round < 3; round++) {
    const fresh = structuredClone(scenarios);
    callbacks = 0;
    const start = process.hrtime.bigint();
    for (const s of fresh) callbacks += sim().runSync!(s, layer).trace.filter(isObservation).length;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { seconds: best, callbacks };
}

const ts = measure(layers.resendAll);
const rows: [string, { seconds: number; callbacks: number }][] = [['TypeScript', ts]];
const isolated = loadNativeLayer(library);
rows.push(['C, isolated (child process)', measure(isolated)]);
isolated.close();
try {
  const inProcess = loadNativeLayer(library, { isolation: 'in-process' });
  rows.push(['C, in-process (addon)', measure(inProcess)]);
  inProcess.close();
} catch (err) {
  console.log(`in-process: not measured: ${(err as Error).message}`);
}
console.log(`resend-all, ${scenarios.length} generated scenarios, ${ts.callbacks} layer callbacks per round`);
for (const [label, r] of rows) {
  const perCallbackUs = (r.seconds * 1e6) / r.callbacks;
  const overheadUs = ((r.seconds - ts.seconds) * 1e6) / r.callbacks;
  console.log(
    `${label.padEnd(30)} ${(r.seconds * 1000).toFixed(0).padStart(6)} ms/round  ${perCallbackUs.toFixed(2).padStart(7)} us/callback` +
      (label === 'TypeScript' ? '' : `  overhead ${overheadUs.toFixed(2)} us/callback`),
  );
}
