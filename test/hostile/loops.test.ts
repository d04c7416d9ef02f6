/**
 * The looping layer of issue 12: postSend calls env.post endlessly. It is stopped by its work
 * budget (maxLayerSteps), reported as a failure-masking finding that names the limit, in bounded
 * time and memory; the other properties still run. The figures README quotes come from
 * scripts/reliability-figures.ts, which runs the same scenario.
 */
import { runScenario } from '../../src/check/run';
import { DEFAULT_CONFIG } from '../../src/core/scenario';
import type { Scenario } from '../../src/core/scenario';
import { ALL_PROPERTIES, auditHostile, layerFaults, layerOf, violated } from './audit';

/** The layer, verbatim. */
export const loops = layerOf('loops', (env) => ({
  postSend(wr: Parameters<typeof env.post>[1]) {
    for (;;) env.post(0, wr);
  },
  postRecv() {},
  onCompletion() {},
}));

/** The scenario: one WRITE, no faults. */
const oneWrite: Scenario = {
  workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } }],
  faults: [],
};

describe('a layer that loops inside a callback, calling env', () => {
  it('is stopped by its work budget: the run ends with work-budget and a LayerFault naming the limit', async () => {
    const t0 = performance.now();
    const run = await runScenario(oneWrite, loops);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(run.end.reason).toBe('work-budget');
    const fault = run.trace.find((e) => e.kind === 'LayerFault');
    expect(fault).toMatchObject({ host: 'A', during: 'postSend' });
    expect((fault as { reason: string }).reason).toMatch(
      new RegExp(`work budget of ${DEFAULT_CONFIG.maxLayerSteps} steps.*maxLayerSteps`),
    );
    // Bounded memory: one Post and one Send per step, nothing else piles up.
    expect(run.trace.length).toBeLessThanOrEqual(2 * DEFAULT_CONFIG.maxLayerSteps + 4);
  });

  it('the budget is the scenario’s to set: a smaller budget stops it sooner', async () => {
    const run = await runScenario({ ...oneWrite, config: { maxLayerSteps: 100 } }, loops);
    expect(run.end.reason).toBe('work-budget');
    expect(run.trace.length).toBeLessThanOrEqual(2 * 100 + 4);
  });

  it('checkLayer reports it as a failure-masking finding with a minimal trace; every property is judged', async () => {
    const a = await auditHostile(loops);
    expect(Object.keys(a.cells).sort()).toEqual([...ALL_PROPERTIES].sort());
    expect(violated(a)).toContain('failure-masking');
    const cx = a.cells['failure-masking'].counterexample!;
    expect(cx.explanation).toMatch(/exceeded its work budget \(maxLayerSteps \d+ steps/);
    expect(cx.scenario.workload).toHaveLength(1);
    expect(cx.scenario.faults).toEqual([]);
    expect(layerFaults(a, 'failure-masking').join('\n')).toMatch(/^postSend: exceeded the work budget/m);
  }, 120_000);
});
