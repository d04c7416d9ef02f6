/**
 * The liveness budget is the user's (checkLayer, describeFailoverLayer, --liveness): a correct
 * layer with millisecond timers is judged on what it does with the time it needs, and a missing
 * completion's explanation says how long the layers had and how to give them more.
 */
import { sim } from '../../adapters/sim';
import { properties } from '../../properties';
import fc from 'fast-check';
import { checkLayer, scenarioArbitrary } from '../../src/check';
import { CHECK_DEFAULTS } from '../../src/check/options';
import type { FailoverLayer } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import type { Opcode } from '../../src/core/verbs';
import { layers } from '../../src/layers';
import { GIVE_UP_NS, slowRpc } from './slowRpc';

const RPC_OPCODES: Opcode[] = ['WRITE', 'FETCH_ADD', 'CMP_SWAP'];

/** `layer` plus a heartbeat on both hosts: a 2 ms timer that only re-arms itself. */
function withHeartbeat(layer: FailoverLayer): FailoverLayer {
  return {
    name: `${layer.name}+heartbeat`,
    create(env) {
      const inner = layer.create(env);
      env.setTimer(2_000_000, 'heartbeat');
      return {
        postSend: (wr) => inner.postSend(wr),
        postRecv: (wr) => inner.postRecv(wr),
        onCompletion: (path, wc) => inner.onCompletion(path, wc),
        onPortEvent: (path, event) => inner.onPortEvent?.(path, event),
        onControl: (msg) => inner.onControl?.(msg),
        onTimer: (token) => (token === 'heartbeat' ? env.setTimer(2_000_000, 'heartbeat') : inner.onTimer?.(token)),
      };
    },
  };
}

describe("livenessNs: the time a layer gets is the user's to set", () => {
  test('with the default 5 ms, a layer whose WRs take 6 ms is reported "never completed", with the budget it had and how to raise it', async () => {
    const report = await checkLayer(slowRpc, { opcodes: RPC_OPCODES, properties: [properties.completionFidelity] });
    const cx = report.results.find((r) => r.status === 'violated')?.counterexample;
    expect(cx?.explanation).toMatch(
      /never completed, so the application waits forever: the layers had their whole liveness budget, 5ms after the last fault or application step .* give it more time: livenessNs in checkLayer or describeFailoverLayer, --liveness on rdmacheck audit or replay/,
    );
    expect(cx?.scenario.config?.livenessNs).toBe(5_000_000);
  });

  test('checkLayer(layer, { livenessNs: 50_000_000 }): the same correct layer (re-send every 2 ms, give up after 20 ms) holds every property', async () => {
    const report = await checkLayer(slowRpc, { opcodes: RPC_OPCODES, livenessNs: 50_000_000 });
    const notHolding = report.results.filter((r) => r.status !== 'holds');
    expect(
      notHolding.map((r) => `${r.property} ${r.opcode}: ${r.status} ${r.reason ?? r.counterexample?.explanation}`),
    ).toEqual([]);
  });

  test('given the time, the layer gives up on its own clock: RETRY_EXC_ERR at 20 ms when the management network is gone', () => {
    const scenario: Scenario = {
      config: { livenessNs: 50_000_000 },
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 3 } }],
      faults: [{ kind: 'control-loss', after: { on: 'start' } }],
    };
    const run = sim().runSync!(scenario, slowRpc);
    const delivered = run.trace.filter((e) => e.kind === 'Deliver');
    expect(delivered.map((e) => e.kind === 'Deliver' && [e.t, e.wc.status])).toEqual([[GIVE_UP_NS, 'RETRY_EXC_ERR']]);
    expect(properties.completionFidelity.check(run)).toEqual({ status: 'holds' });
  });

  test.each(['passThrough', 'resendAll', 'shift'])(
    '%s with a 2 ms heartbeat: no generated run reaches the event limit, deployment timeouts included',
    (name) => {
      const layer = withHeartbeat((layers as Record<string, FailoverLayer>)[name]);
      const scenarios = fc.sample(scenarioArbitrary({ maxEvents: CHECK_DEFAULTS.maxEvents }), {
        seed: 2,
        numRuns: 300,
      });
      expect(scenarios.some((s) => s.config!.timeout! >= 16)).toBe(true);
      const runs = scenarios.map((s) => sim().runSync!(s, layer));
      expect(runs.filter((r) => r.end.reason === 'event-limit')).toEqual([]);
      // Unfolded, the heartbeat alone would cost two events per firing: thousands per NIC retry cycle.
      expect(Math.max(...runs.map((r) => r.trace.length))).toBeLessThan(1_000);
    },
  );
});
