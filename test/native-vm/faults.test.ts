/**
 * The other real faults: a QP forced to ERR flushes what is posted on it, and a NIC that dies
 * (ip link down) raises the real PORT_ERR async event on its host, then PORT_ACTIVE on revival;
 * env.reset resets one end of a path for real, with explicit PSNs; a layer that resets both ends
 * (coordinated over the control channel) has a working connection again.
 */
import { passThrough } from '../../src/layers/passThrough';
import { runScenario } from '../../src/check/run';
import type { Scenario } from '../../src/core/scenario';
import { resetAndRetry } from './resetLayer';
import { adapter, adapterWithLayers, brief, describeNative, of, timed } from './support';

describeNative('QP errors and NIC deaths on real verbs', () => {
  test("qp-error: A's QP forced to ERR flushes the WRITE posted on it; nothing reaches B", async () => {
    const scenario: Scenario = {
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 4 }, after: { on: 'at', atNs: 1_000_000 } },
      ],
      faults: [{ kind: 'qp-error', host: 'A', path: 0, after: { on: 'start' } }],
    };
    const run = await timed('qp-error on A, then a WRITE', () =>
      runScenario(scenario, passThrough, { adapter: adapter() }),
    );
    const got = {
      statuses: of(run, 'Completion').map((e) => e.wc.status),
      B0: run.end.memory.B[0],
      err: of(run, 'QpState').filter((e) => e.host === 'A' && e.to === 'ERR').length,
    };
    expect({ ...got, trace: got.statuses[0] === 'WR_FLUSH_ERR' ? 'ok' : brief(run) }).toEqual({
      statuses: ['WR_FLUSH_ERR'],
      B0: 0,
      err: 1,
      trace: 'ok',
    });
  });

  test("nic-death: A's and B's layers each see PORT_ERR for their dead NIC and PORT_ACTIVE when it revives", async () => {
    const scenario: Scenario = {
      workload: [],
      faults: [
        { kind: 'nic-death', host: 'A', path: 0, after: { on: 'start' }, reviveAfterNs: 1_000_000 },
        { kind: 'nic-death', host: 'B', path: 1, after: { on: 'start' }, reviveAfterNs: 1_000_000 },
      ],
    };
    const run = await timed('nic-death on A path 0 and B path 1, revived', () =>
      runScenario(scenario, passThrough, { adapter: adapter() }),
    );
    const events = of(run, 'PortEvent').map((e) => `${e.host}:${e.path}:${e.event}`);
    const want = ['A:0:PORT_ERR', 'A:0:PORT_ACTIVE', 'B:1:PORT_ERR', 'B:1:PORT_ACTIVE'];
    expect({ events: [...events].sort(), trace: events.length === 4 ? 'ok' : brief(run) }).toEqual({
      events: want.sort(),
      trace: 'ok',
    });
  });
});

describeNative('env.reset on real verbs: a coordinated reconnect', () => {
  test('after RETRY_EXC_ERR both ends reset path 0 (B first, asked over control) and A re-posts; the WRITE then succeeds on the new connection', async () => {
    const scenario: Scenario = {
      config: { retryCnt: 0 },
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 3, value: 8 } }],
      faults: [{ kind: 'link-down', path: 0, direction: 'both', after: { on: 'start' }, upAfterNs: 100_000 }],
    };
    const run = await timed('reset and re-post after RETRY_EXC_ERR', () =>
      runScenario(scenario, resetAndRetry, { adapter: adapterWithLayers([require.resolve('./resetLayer')]) }),
    );
    const got = {
      delivered: of(run, 'Deliver').map((e) => e.wc.status),
      B3: run.end.memory.B[3],
      resets: of(run, 'Reset')
        .slice(0, 2)
        .map((r) => `${r.host}:${r.sqPsn}/${r.rqPsn}`),
      rearmed: ['A', 'B'].every((h) =>
        of(run, 'QpState').some((e) => e.host === h && e.from === 'RTR' && e.to === 'RTS'),
      ),
    };
    expect({ ...got, trace: got.delivered[0] === 'SUCCESS' ? 'ok' : brief(run) }).toEqual({
      delivered: ['SUCCESS'],
      B3: 8,
      resets: ['B:0/0', 'A:0/0'],
      rearmed: true,
      trace: 'ok',
    });
  });
});
