/**
 * Cross-adapter replay: the simulator's minimal counterexample for resend-all on FETCH_ADD (found
 * and shrunk by checkLayer), replayed on real verbs, executes the FADD twice: the counter at the
 * responder reads 2, and at-most-once is violated on Soft-RoCE exactly as in the simulator.
 */
import { properties } from '../../properties';
import { checkLayer } from '../../src/check';
import { layers } from '../../src/layers';
import { replay } from '../../src/check/replay';
import { runScenario } from '../../src/check/run';
import type { Scenario } from '../../src/core/scenario';
import { adapter, brief, describeNative, of, timed } from './support';

describeNative("replaying the simulator's resend-all + FETCH_ADD counterexample on real verbs", () => {
  let scenario: Scenario;
  let counterexample: NonNullable<Awaited<ReturnType<typeof checkLayer>>['results'][number]['counterexample']>;

  beforeAll(async () => {
    const report = await timed('checkLayer(resendAll, FETCH_ADD) on the simulator', () =>
      checkLayer(layers.resendAll, {
        opcodes: ['FETCH_ADD'],
        properties: [properties.atMostOnce],
        numRuns: 200,
        seed: 1,
      }),
    );
    const result = report.results.find((r) => r.property === 'at-most-once' && r.counterexample);
    if (!result?.counterexample)
      throw new Error('the simulator found no at-most-once counterexample for resend-all on FETCH_ADD');
    counterexample = result.counterexample;
    scenario = counterexample.scenario;
    console.log(`minimal counterexample (sim): ${JSON.stringify(scenario)}\n${counterexample.explanation}`);
  });

  test('on the simulator the counterexample is one FETCH_ADD whose first ACK is lost', () => {
    const posts = scenario.workload.filter((s) => s.kind === 'post');
    expect(posts).toEqual([expect.objectContaining({ wr: expect.objectContaining({ opcode: 'FETCH_ADD' }) })]);
  });

  test('on Soft-RoCE the FADD executes twice: the counter reads 2 and at-most-once is violated', async () => {
    const post = scenario.workload.find((s) => s.kind === 'post');
    const addr = post && post.kind === 'post' ? (post.wr.addr ?? 0) : 0;
    const run = await timed('replay resendAll + FETCH_ADD counterexample', () =>
      runScenario(scenario, layers.resendAll, { adapter: adapter() }),
    );
    expect({ counter: run.end.memory.B[addr], trace: run.end.memory.B[addr] === 2 ? 'ok' : brief(run) }).toEqual({
      counter: 2,
      trace: 'ok',
    });
    const verdict = await properties.atMostOnce.check(run);
    expect(verdict).toMatchObject({ status: 'violated', explanation: expect.stringMatching(/executed twice/) });
    console.log(`native verdict: ${verdict.status === 'violated' ? verdict.explanation : verdict.status}`);
    expect(
      of(run, 'Execute')
        .filter((e) => e.op === 'FETCH_ADD')
        .map((e) => e.path),
    ).toEqual([0, 1]);
  });

  test('replay() of the counterexample against the native adapter still finds the violation', async () => {
    const r = await timed('replay() on the native adapter', () => replay(counterexample, { adapter: adapter() }));
    // Real runs differ from the simulator in times and retries, so the trace diverges; the verdict must not.
    expect(r.verdict.status).toBe('violated');
  });
});
