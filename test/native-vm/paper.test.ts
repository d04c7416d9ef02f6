/**
 * The seed paper's Theorem 1 on real Soft-RoCE: T1 (the request is lost) and T2 (the WRITE
 * executes, the receiver consumes and reuses the word, the ACK is lost) end the same way for the
 * sender - RETRY_EXC_ERR - while the responder's memory tells them apart. Faults are real: tc
 * drops RoCEv2 (UDP 4791) packets on wire 1.
 */
import { passThrough } from '../../src/layers/passThrough';
import { runScenario } from '../../src/check/run';
import type { Scenario } from '../../src/core/scenario';
import { senderView } from '../../src/core/trace';
import type { ObservationEvent } from '../../src/core/trace';
import { adapter, brief, describeNative, of, timed } from './support';

const W = { id: 1, opcode: 'WRITE' as const, addr: 0, value: 1 }; // W_D writes V1 = 1
const V_PRIME = 2;

/** T1: every RoCEv2 packet on wire 1 dropped, both directions: W never reaches B. */
const T1: Scenario = {
  workload: [{ kind: 'post', wr: W }],
  faults: [{ kind: 'link-down', path: 0, direction: 'both', after: { on: 'start' } }],
};

/** T2: only the responses (ACKs) dropped: W executes at B, B's app consumes 1 and reuses the word. */
const T2: Scenario = {
  workload: [
    { kind: 'post', wr: W },
    { kind: 'reuse', addr: 0, expect: 1, value: V_PRIME },
  ],
  faults: [{ kind: 'link-down', path: 0, direction: 'b-to-a', after: { on: 'execute', wr: 1 } }],
};

/** What the sender can see, without times (real runs differ in timing, not in content). */
const view = (ex: Awaited<ReturnType<typeof runScenario>>) =>
  senderView(ex.trace, 'A').map((e: ObservationEvent) => {
    const { i: _i, t: _t, ...rest } = e;
    return rest;
  });

describeNative('Theorem 1 on real verbs: packet loss and ACK loss look the same to the sender', () => {
  let t1: Awaited<ReturnType<typeof runScenario>>;
  let t2: Awaited<ReturnType<typeof runScenario>>;

  beforeAll(async () => {
    t1 = await timed('T1 (WRITE, wire 1 dropped both ways)', () =>
      runScenario(T1, passThrough, { adapter: adapter({ retryCnt: 6 }) }),
    );
    t2 = await timed('T2 (WRITE, ACKs dropped, receiver reuses)', () =>
      runScenario(T2, passThrough, { adapter: adapter({ retryCnt: 6 }) }),
    );
  });

  test('T2: the WRITE completes with RETRY_EXC_ERR while its data is present at the responder', () => {
    expect(of(t2, 'Completion').map((e) => e.wc.status)).toEqual(['RETRY_EXC_ERR']);
    expect(of(t2, 'AppConsume').map((e) => e.value)).toEqual([1]); // B's application read V1 = 1: the data landed
    expect(t2.end.memory.B[0]).toBe(V_PRIME);
    const exec = of(t2, 'Execute');
    expect(exec).toEqual([expect.objectContaining({ wr: 1, from: 'A', path: 0, inferred: true })]);
    expect(of(t2, 'AckLost').length).toBe(1);
  });

  test('T1: with both directions dropped the same WRITE completes the same way and the data is absent', () => {
    expect(of(t1, 'Completion').map((e) => e.wc.status)).toEqual(['RETRY_EXC_ERR']);
    expect(t1.end.memory.B[0]).toBe(0);
    expect(of(t1, 'Execute')).toEqual([]);
    expect(of(t1, 'PacketLost')).toEqual([expect.objectContaining({ wr: 1, inferred: true })]);
  });

  test('sigma(T1) = sigma(T2): the sender views are equal', () => {
    expect(view(t1)).toEqual(view(t2));
    expect(view(t1).map((e) => e.kind)).toEqual(['AppPostSend', 'Completion']);
  });

  test('each run ended quiescent, with the fault undone (for the record: the traces)', () => {
    for (const ex of [t1, t2]) {
      expect({ reason: ex.end.reason, trace: ex.end.reason === 'quiescent' ? 'ok' : brief(ex) }).toEqual({
        reason: 'quiescent',
        trace: 'ok',
      });
      expect(of(ex, 'Fault').map((f) => f.phase)).toEqual(['begin', 'end']);
    }
  });
});
