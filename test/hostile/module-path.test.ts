/**
 * Hostile layers given by module path to checkLayer: a layer that loops without calling env and
 * one that allocates without bound are stopped by their worker's limits (small ones here: a
 * 1.5 s watchdog, a 192 MB heap) and reported as failure-masking findings naming the limit; every
 * other property is still judged; a well-behaved layer gets the same report as in-process.
 */
import { join } from 'node:path';
import { checkLayer } from '../../src/check/checkLayer';
import { ALL_PROPERTIES } from './audit';

const fixtures = join(__dirname, 'fixtures');
const small = { heapMb: 192, watchdogMs: 1_500, maxLimitFaults: 0 };
const audit = { opcodes: ['WRITE' as const], numRuns: 6, seed: 7, shrinkTimeLimitMs: 2_000, containment: small };

async function cells(layer: string) {
  const report = await checkLayer(join(fixtures, layer), audit);
  return Object.fromEntries(report.results.filter((r) => r.opcode === 'WRITE').map((r) => [r.property, r]));
}

describe('checkLayer given a module path', () => {
  it.each([
    ['loops-without-env.js', /LAYER FAULT: .*made no progress for 1\.5 s \(the watchdog stopped its worker\)/],
    ['allocates.js', /LAYER FAULT: .*exceeded the 192 MB heap limit of its worker/],
  ])(
    '%s is reported as a finding naming the limit; every property is judged',
    async (file, limit) => {
      const c = await cells(file);
      expect(Object.keys(c).sort()).toEqual([...ALL_PROPERTIES].sort());
      expect(c['failure-masking'].status).toBe('violated');
      expect(c['failure-masking'].counterexample!.explanation).toMatch(limit);
      // The worker's limit stopped it, not the work budget: the text does not send the user to maxLayerSteps.
      expect(c['failure-masking'].counterexample!.explanation).not.toMatch(/maxLayerSteps/);
      for (const p of ALL_PROPERTIES.filter((x) => x !== 'failure-masking')) {
        expect(c[p].status).not.toBe('holds');
        // A property left unknown by the stopped run names the worker's limit too.
        if (c[p].status === 'unknown') expect(c[p].reason).not.toMatch(/maxLayerSteps/);
      }
    },
    120_000,
  );

  it('a well-behaved layer gets the in-process report: same seeds, same verdicts, same counterexamples', async () => {
    const file = join(fixtures, 'cross-run-state.js');
    const options = { opcodes: ['WRITE' as const], numRuns: 20, seed: 3, shrinkTimeLimitMs: 2_000 };
    const contained = await checkLayer(file, options);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same module, in this process
    const inProcess = await checkLayer(require(file), options);
    const summary = (r: typeof contained) =>
      r.results.map((x) => [
        x.property,
        x.opcode,
        x.status,
        x.runs,
        x.counterexample?.path,
        x.counterexample?.trace.length,
      ]);
    expect(summary(contained)).toEqual(summary(inProcess));
  }, 120_000);
});
