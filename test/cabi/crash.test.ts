/**
 * Crashes are findings: a C layer that segfaults, aborts or loops inside a callback is reported
 * in the trace as a LayerFault naming the callback and the signal (the trace up to that point is
 * intact), the audit reports the harm as a violation, and rdmacheck itself goes on.
 */
import { checkLayer } from '../../src/check';
import { properties } from '../../properties';
import { sim } from '../../adapters/sim';
import { loadNativeLayer } from '../../adapters/clayer';
import type { Scenario } from '../../src/core/scenario';
import type { TraceEvent } from '../../src/core/trace';
import { describeWithCLayers } from './helpers';

/** One WRITE and one RECV'd SEND: each host's layer gets completions. */
const scenario: Scenario = {
  workload: [
    { kind: 'recv', wr: { id: 1 } },
    { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 3, value: 11 } },
    { kind: 'post', wr: { id: 2, opcode: 'SEND', value: 5 } },
  ],
  faults: [],
};

const faults = (trace: TraceEvent[]) => trace.filter((e) => e.kind === 'LayerFault');

describeWithCLayers('a C layer that crashes or loops', (libs) => {
  it('segfault in on_completion: a LayerFault naming SIGSEGV, after the completion that caused it', () => {
    const layer = loadNativeLayer(libs().segfault);
    const run = sim().runSync!(scenario, layer);
    const [first] = faults(run.trace);
    expect(first).toMatchObject({ during: 'onCompletion' });
    expect((first as { reason: string }).reason).toMatch(
      /crashed: killed by SIGSEGV \(segmentation fault\) in on_completion/,
    );
    // The trace up to the crash is whole: the completion the layer was handed comes just before.
    expect(run.trace[first.i - 1]).toMatchObject({ kind: 'Completion', host: first.host });
    expect(run.end.reason).not.toBe('event-limit');
    layer.close();
  });

  it('an endless loop in on_completion: stopped by the watchdog and reported, not waited on', () => {
    const layer = loadNativeLayer(libs().loop, { callbackBudgetMs: 200 });
    const started = Date.now();
    const run = sim().runSync!(scenario, layer);
    const [first] = faults(run.trace);
    expect((first as { reason: string }).reason).toMatch(/CPU budget of 200 ms.*SIGPROF.*endless loop/);
    expect(first).toMatchObject({ during: 'onCompletion' });
    expect(Date.now() - started).toBeLessThan(20_000);
    layer.close();
  });

  it('abort(): a LayerFault naming SIGABRT', () => {
    const layer = loadNativeLayer(libs().abort);
    const run = sim().runSync!(scenario, layer);
    expect((faults(run.trace)[0] as { reason: string }).reason).toMatch(/SIGABRT \(abort\)/);
    layer.close();
  });

  it('each crash is one finding; the next run starts a fresh process and crashes alike (deterministic)', () => {
    const layer = loadNativeLayer(libs().segfault);
    const first = sim().runSync!(scenario, layer);
    const second = sim().runSync!(scenario, layer);
    expect(JSON.stringify(second.trace)).toBe(JSON.stringify(first.trace));
    layer.close();
  });

  it('the audit of the segfaulting layer reports a violation whose counterexample shows the crash', async () => {
    const layer = loadNativeLayer(libs().segfault);
    const report = await checkLayer(layer, {
      numRuns: 10,
      seed: 3,
      opcodes: ['WRITE'],
      properties: [properties.failureMasking],
    });
    const violated = report.results.find((r) => r.status === 'violated');
    expect(violated).toBeDefined();
    const crash = violated!.counterexample!.trace.find((e) => e.kind === 'LayerFault');
    expect(crash).toMatchObject({ during: 'onCompletion' });
    expect((crash as { reason: string }).reason).toMatch(/SIGSEGV/);
    layer.close();
  });
});
