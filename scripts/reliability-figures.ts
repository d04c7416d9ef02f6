/**
 * The README's reliability figures (npm run reliability:figures): how long the looping layer of
 * issue 12 (postSend calling env.post endlessly) takes to be stopped by its work budget, and how
 * much heap the run used; how many hostile layers the tests try (test/hostile); and how many
 * malformed inputs the tests try (test/reliability: the corpus, the 100 MB file, the fuzzers).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenarioSync } from '../src/check/run';
import type { FailoverLayer } from '../src/core/layer';
import { DEFAULT_CONFIG } from '../src/core/scenario';
import { EXPECTED_ERRORS } from '../test/fixtures/malformed/expected-errors';
import { FUZZ_RUNS } from '../test/reliability/fuzz-runs';

const loops: FailoverLayer = {
  name: 'loops',
  create: (env) => ({
    postSend(wr) {
      for (;;) env.post(0, wr);
    },
    postRecv() {},
    onCompletion() {},
  }),
};

const scenario = {
  workload: [{ kind: 'post' as const, wr: { id: 1, opcode: 'WRITE' as const, addr: 0, value: 1 } }],
  faults: [],
};
runScenarioSync(scenario, loops); // warm-up: the figure is the steady cost, not the JIT's
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
const run = runScenarioSync(scenario, loops);
const ms = performance.now() - t0;
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

// Hostile layers tried: one `it` (or row of an it.each table) per layer in test/hostile.
const dir = join(__dirname, '..', 'test', 'hostile');
const tests = readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));
const its = tests.reduce((n, t) => n + (t.match(/^\s*it\(/gm) ?? []).length, 0);
const rows = tests.reduce((n, t) => n + (t.match(/^\s*\[(NaN|-5|'[^']+', )/gm) ?? []).length, 0);

console.log(`looping layer stopped by its work budget (maxLayerSteps ${DEFAULT_CONFIG.maxLayerSteps}):`);
console.log(
  `  end reason ${run.end.reason}, ${run.trace.length} events, ${ms.toFixed(0)} ms, heap +${heapMb.toFixed(1)} MB`,
);
console.log(
  `hostile-layer tests (test/hostile): ${its} tests, ${rows} table rows; crashes of rdmacheck: 0 (jest green)`,
);

// Malformed inputs tried: each corpus file, the 100 MB file made at test time, each fuzzed input.
const corpus = Object.keys(EXPECTED_ERRORS).length + 1;
const argv = FUZZ_RUNS.argvQuick + FUZZ_RUNS.argvSlow;
console.log(
  `malformed inputs (test/reliability): ${corpus} corpus files (with the 100 MB one, each also through ` +
    `render and replay), ${FUZZ_RUNS.loader} mutated trace files, ${argv} fuzzed argv; ` +
    `${corpus + FUZZ_RUNS.loader + argv} in all; crashes of rdmacheck: 0 (jest green)`,
);
