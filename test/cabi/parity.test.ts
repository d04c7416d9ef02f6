/**
 * The C resend-all (examples/c-layer/resend_all.c) and the TypeScript one (src/layers/resendAll.ts)
 * are the same decision rule in two languages: run through the C ABI, the C one must get the
 * same audit matrix and the same minimal counterexamples, trace for trace, byte for byte.
 */
import { checkLayer } from '../../src/check';
import { counterexampleToYAML } from '../../src/report';
import { layers } from '../../src/layers';
import type { Report } from '../../src/core/results';
import { sim } from '../../adapters/sim';
import { loadNativeLayer } from '../../adapters/clayer';
import type { NativeLayer } from '../../adapters/clayer';
import type { Scenario } from '../../src/core/scenario';
import { describeWithCLayers } from './helpers';

const RUNS = 30;
const SEED = 17;

/** The audit matrix: one line per property and op class. */
function matrix(report: Report): string[] {
  return report.results.map((r) => `${r.property} ${r.opcode ?? 'all'} ${r.status}`);
}

/** Every counterexample of the report as its YAML file, keyed by its cell. */
function files(report: Report): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of report.results) {
    if (r.counterexample) out[`${r.property} ${r.opcode ?? 'all'}`] = counterexampleToYAML(r.counterexample);
  }
  return out;
}

describeWithCLayers('C resend-all and TypeScript resend-all', (libs) => {
  let c: NativeLayer;
  beforeAll(() => {
    c = loadNativeLayer(libs().resendAll);
  });
  afterAll(() => c.close());

  it('carry the same name, transparency and op classes', () => {
    expect({ name: c.name, transparent: c.transparent, opcodes: c.opcodes }).toEqual({
      name: layers.resendAll.name,
      transparent: layers.resendAll.transparent,
      opcodes: undefined,
    });
  });

  it('give the same trace for a scenario with a lost ACK, a SEND and a FETCH_ADD', () => {
    const scenario: Scenario = {
      workload: [
        { kind: 'recv', wr: { id: 1 } },
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 3, value: 11 } },
        { kind: 'post', wr: { id: 2, opcode: 'SEND', value: 5 } },
        { kind: 'post', wr: { id: 3, opcode: 'FETCH_ADD', addr: 2, add: 5 } },
      ],
      faults: [{ kind: 'drop-response', path: 0, count: 'all' }],
    };
    const fromC = sim().runSync!(scenario, c);
    const fromTs = sim().runSync!(scenario, layers.resendAll);
    expect(fromC.trace.some((e) => e.kind === 'Reset')).toBe(true);
    expect(JSON.stringify(fromC.trace)).toBe(JSON.stringify(fromTs.trace));
  });

  it('get the same audit matrix and byte-identical minimal counterexamples', async () => {
    const [fromC, fromTs] = [
      await checkLayer(c, { numRuns: RUNS, seed: SEED }),
      await checkLayer(layers.resendAll, { numRuns: RUNS, seed: SEED }),
    ];
    expect(matrix(fromC)).toEqual(matrix(fromTs));
    // The audit is the documented one: safety broken somewhere, the sender's view deterministic.
    expect(matrix(fromTs)).toContain('at-most-once FETCH_ADD violated');
    expect(matrix(fromTs)).toContain('sender-view-determinism WRITE holds');
    const cFiles = files(fromC);
    const tsFiles = files(fromTs);
    expect(Object.keys(cFiles)).toEqual(Object.keys(tsFiles));
    expect(Object.keys(tsFiles).length).toBeGreaterThan(3);
    for (const cell of Object.keys(tsFiles))
      expect({ cell, yaml: cFiles[cell] }).toEqual({ cell, yaml: tsFiles[cell] });
  });
});
