/**
 * Issue 10's fixture: a layer that executes every WR through the control channel with
 * millisecond timers (re-send every 2 ms, RETRY_EXC_ERR after 20 ms, RNR_RETRY_EXC_ERR for a
 * message that finds no RECV within 10 ms, every effect attributed). First what it does, then
 * the audit: with a liveness budget longer than its timers, every property holds on every op
 * class. A verdict against it would be a false alarm of the framework.
 */
import { sim } from '../../adapters/sim';
import { properties } from '../../properties';
import { checkLayer } from '../../src/check';
import type { Execution } from '../../src/core/execution';
import type { Fault, WorkloadStep } from '../../src/core/scenario';
import { OPCODES } from '../../src/core/verbs';
import {
  GIVE_UP_NS,
  RESEND_NS,
  RNR_NS,
  controlChannelRpc,
  createControlChannelRpc,
} from '../fixtures/layers/controlChannelRpc';
import { of, recvDeliveries, sendDeliveries } from './helpers';

/** The liveness budget the issue gives this layer: longer than its 20 ms give-up. */
const LIVENESS_NS = 50_000_000;

function run(workload: WorkloadStep[], faults: Fault[] = [], livenessNs = LIVENESS_NS): Execution {
  const ex = sim().runSync!({ config: { livenessNs }, workload, faults }, controlChannelRpc);
  const misuse = of(ex, 'LayerFault');
  if (misuse.length > 0) throw new Error(`the fixture misused the contract: ${JSON.stringify(misuse)}`);
  return ex;
}

const write: WorkloadStep = { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 7 } };
/** The control channel is lost from the start, for good or for `ns`. */
const controlLoss = (ns?: number): Fault => ({
  kind: 'control-loss',
  after: { on: 'start' },
  ...(ns !== undefined ? { restoreAfterNs: ns } : {}),
});
const requestTimes = (ex: Execution) =>
  of(ex, 'SendControl')
    .filter((e) => e.host === 'A')
    .map((e) => e.t);

describe('the control-channel RPC fixture: what it does', () => {
  it('re-sends an unanswered request every 2 ms until the control channel is back', () => {
    const ex = run([write], [controlLoss(5_000_000)]);
    expect(requestTimes(ex)).toEqual([0, RESEND_NS, 2 * RESEND_NS, 3 * RESEND_NS]);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(ex.end.memory.B[0]).toBe(7);
  });

  it('gives up with RETRY_EXC_ERR 20 ms after the post when the control channel never comes back', () => {
    const ex = run([write], [controlLoss()]);
    expect(requestTimes(ex)).toHaveLength(GIVE_UP_NS / RESEND_NS);
    const done = of(ex, 'Deliver').map((e) => [e.wc.status, e.t]);
    expect(done).toEqual([['RETRY_EXC_ERR', GIVE_UP_NS]]);
    expect(properties.completionFidelity.check(ex)).toEqual({ status: 'holds' });
  });

  it('needs a liveness budget longer than its timers: with 5 ms the run ends before it gives up', () => {
    const ex = run([write], [controlLoss()], 5_000_000);
    expect(of(ex, 'Deliver')).toEqual([]);
    expect(properties.completionFidelity.check(ex)).toMatchObject({
      status: 'violated',
      explanation: expect.stringMatching(/^WR 1 \(WRITE \[0\]=7\) never completed/),
    });
  });

  it('answers RNR_RETRY_EXC_ERR to a SEND that finds no RECV within 10 ms, and fills a RECV posted in time', () => {
    const late = run([
      { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 11 } },
      { kind: 'recv', wr: { id: 1 }, after: { on: 'at', atNs: RNR_NS / 2 } },
    ]);
    expect(sendDeliveries(late)).toEqual(['1:SUCCESS']);
    expect(recvDeliveries(late)).toEqual(['1<-11']);
    const never = run([{ kind: 'post', wr: { id: 1, opcode: 'SEND', value: 11 } }]);
    expect(sendDeliveries(never)).toEqual(['1:RNR_RETRY_EXC_ERR']);
    const rnr = of(never, 'Deliver')[0];
    expect(rnr.t).toBeGreaterThanOrEqual(RNR_NS);
    expect(rnr.t).toBeLessThan(RNR_NS + RESEND_NS);
  });

  it('attributes every effect it performs: memory operations, reads and deliveries name the WR', () => {
    const ex = run([
      { kind: 'recv', wr: { id: 1 } },
      { kind: 'recv', wr: { id: 2 } },
      ...[
        { id: 1, opcode: 'WRITE', addr: 0, value: 3 },
        { id: 2, opcode: 'READ', addr: 0 },
        { id: 3, opcode: 'FETCH_ADD', addr: 1, add: 2 },
        { id: 4, opcode: 'CMP_SWAP', addr: 1, compare: 2, swap: 5 },
        { id: 5, opcode: 'SEND', value: 11 },
        { id: 6, opcode: 'WRITE_WITH_IMM', addr: 2, value: 4, imm: 9 },
      ].map((wr) => ({ kind: 'post', wr }) as WorkloadStep),
    ]);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '2:SUCCESS', '3:SUCCESS', '4:SUCCESS', '5:SUCCESS', '6:SUCCESS']);
    const effects = [...of(ex, 'MemOp'), ...of(ex, 'Deliver')].filter((e) => e.host === 'B').sort((a, b) => a.i - b.i);
    expect(effects.map((e) => (e.kind === 'MemOp' ? `${e.op} for ${e.forWr}` : `deliver for ${e.forWr}`))).toEqual([
      'write for 1',
      'read for 2',
      'fetchAdd for 3',
      'cmpSwap for 4',
      'deliver for 5',
      'write for 6',
      'deliver for 6',
    ]);
    expect(of(ex, 'Post')).toEqual([]); // no NIC involved at all
  });
});

describe('the control-channel RPC fixture: the audit', () => {
  it('checkLayer with a 50 ms liveness budget: every property holds on every op class', async () => {
    const report = await checkLayer(controlChannelRpc, { livenessNs: LIVENESS_NS });
    const notHolding = report.results
      .filter((r) => r.status !== 'holds')
      .map((r) => `${r.property} ${r.opcode ?? 'all'}: ${r.status} ${r.counterexample?.explanation ?? r.reason ?? ''}`);
    expect(notHolding).toEqual([]);
    // Every op class has its column (and whatever columns the audit adds, e.g. mixed workloads).
    const columns = new Set(report.results.map((r) => r.opcode));
    expect(OPCODES.filter((op) => !columns.has(op))).toEqual([]);
    expect(report.results.map((r) => r.property)).toEqual(expect.arrayContaining(properties.all.map((p) => p.name)));
    expect(report.ok).toBe(true);
  }, 120_000);

  it('the same audit is not blind: it catches the fixture without its dedup log, and without its attribution', async () => {
    // 1,000 runs: generator version 2 draws most faults on a path and anchored to NIC events this
    // layer never produces, so the lost control message it needs comes at run 348 (seed 1), past
    // the default 200 (version 1 reached it within them).
    const noDedupe = await checkLayer(createControlChannelRpc({ dedupe: false }), {
      livenessNs: LIVENESS_NS,
      numRuns: 1000,
      opcodes: ['FETCH_ADD'],
      properties: [properties.atMostOnce],
    });
    expect(noDedupe.results[0]).toMatchObject({
      status: 'violated',
      counterexample: { explanation: expect.stringMatching(/executed twice at B: by B's layer \(fetchAdd\)/) },
    });
    const unattributed = await checkLayer(createControlChannelRpc({ attribute: false }), {
      livenessNs: LIVENESS_NS,
      opcodes: ['READ'],
      properties: [properties.completionFidelity],
    });
    expect(unattributed.results[0]).toMatchObject({
      status: 'violated',
      counterexample: {
        explanation: expect.stringMatching(/never took effect at B\. .*env\.memory\.read\(\d, \{ forWr: 1 \}\)/),
      },
    });
  }, 120_000);
});
