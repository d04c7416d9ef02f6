/**
 * The fresh-worker replay before report skips a counterexample a containment limit stopped: re-run
 * there, the layer would only loop or allocate again, for the whole replay limit.
 */
import { join } from 'node:path';
import { replayInFreshWorkers, wasStopped } from '../../src/cli/fresh-replay';
import { STOPPED_PREFIX, stoppedExecution } from '../../src/check/contained/contain';
import { sim } from '../../adapters/sim';
import type { Report } from '../../src/core/results';
import type { Scenario } from '../../src/core/scenario';

const layerFile = join(__dirname, 'fixtures', 'loops-without-env.js');
const scenario: Scenario = {
  workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } }],
  faults: [],
};

test('a stopped counterexample is not replayed in a fresh worker (it would loop there until the limit)', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fixture layer object, for the Execution only
  const run = stoppedExecution(scenario, require(layerFile), sim(), 'made no progress for 1.5 s');
  expect(wasStopped(run.trace)).toBe(true);
  const report = {
    layer: 'loops-without-env',
    adapter: 'sim',
    seed: 0,
    ok: false,
    results: [
      {
        property: 'failure-masking',
        opcode: 'WRITE',
        status: 'violated',
        runs: 1,
        counterexample: { scenario, trace: run.trace, explanation: `LAYER FAULT: ${STOPPED_PREFIX}...` },
      },
    ],
  } as unknown as Report;
  const t0 = Date.now();
  const replayed = await replayInFreshWorkers(report, { kind: 'module', file: layerFile }, 20_000);
  expect(Date.now() - t0).toBeLessThan(5_000);
  expect(replayed.results).toEqual(report.results);
}, 30_000);

test('a counterexample the layer produced itself is still replayed', () => {
  expect(wasStopped(sim().runSync!(scenario, { name: 'x', create: () => ({}) } as never).trace)).toBe(false);
});
