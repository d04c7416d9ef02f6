/**
 * The seed paper's hand-built executions, written as scenarios: Theorem 1's T1/T2 (packet loss
 * and ACK loss look the same to the sender) and Theorem 2's queue sliding and CAS double success.
 */
import { senderView, withoutIndex } from '../../src/core/trace';
import type { Scenario } from '../../src/core/scenario';
import { delivered, executions, of, retryOnBackup, run } from './helpers';

const W = { id: 1, opcode: 'WRITE' as const, addr: 0, value: 1 }; // W_D writes V1 = 1
const V_PRIME = 2; // the receiver application's reuse value V'

/** T1: [Send(W), PacketLost(W), Timeout(W)] - the request never reaches B. */
const T1: Scenario = {
  workload: [{ kind: 'post', wr: W }],
  faults: [{ kind: 'link-down', path: 0, direction: 'a-to-b', after: { on: 'start' } }],
};

/** T2: [Send(W), Receive, Execute, AppConsume, AppReuse(V'), AckLost, Timeout(W)]. */
const T2: Scenario = {
  workload: [
    { kind: 'post', wr: W },
    { kind: 'reuse', addr: 0, expect: 1, value: V_PRIME },
  ],
  faults: [{ kind: 'link-down', path: 0, direction: 'b-to-a', after: { on: 'execute', wr: 1 } }],
};

describe('Theorem 1: packet loss and ACK loss are indistinguishable to the sender', () => {
  const t1 = run(T1);
  const t2 = run(T2);

  test('sigma(T1) = sigma(T2): the sender views are equal, event for event and instant for instant', () => {
    const view = (ex: typeof t1) => senderView(ex.trace, 'A').map(withoutIndex);
    expect(view(t1)).toEqual(view(t2));
    expect(view(t1).map((e) => e.kind)).toEqual(['AppPostSend', 'Completion']);
    expect(of(t1, 'Completion')[0].wc.status).toBe('RETRY_EXC_ERR'); // the paper's Timeout(W)
  });

  test('in T1 the responder never executed W; in T2 it did, and the app consumed and reused the word', () => {
    expect(executions(t1, 1)).toBe(0);
    expect(of(t1, 'PacketLost').length).toBeGreaterThan(0);
    expect(executions(t2, 1)).toBe(1);
    expect(of(t2, 'AckLost').length).toBeGreaterThan(0);
    expect(of(t2, 'AppConsume')[0].value).toBe(1);
    expect(of(t2, 'AppReuse')[0].value).toBe(V_PRIME);
    expect(t1.end.memory.B[0]).toBe(0);
    expect(t2.end.memory.B[0]).toBe(V_PRIME);
  });

  test("retrying W in T2 (what liveness demands in T1) overwrites the reused value V' with stale V1", () => {
    const retried = run(T2, retryOnBackup);
    expect(executions(retried, 1)).toBe(2);
    expect(retried.end.memory.B[0]).toBe(1); // V' is lost: safety broken
    const retriedT1 = run(T1, retryOnBackup);
    expect(delivered(retriedT1)).toEqual(['1:SUCCESS']); // in T1 the same retry is what makes it live
    expect(retriedT1.end.memory.B[0]).toBe(1);
  });
});

describe('Theorem 2: non-idempotent operations', () => {
  test('queue sliding: a SEND retried on the backup consumes the next RECV, and M2 lands one buffer late', () => {
    const ex = run(
      {
        workload: [
          { kind: 'recv', wr: { id: 1 } },
          { kind: 'recv', wr: { id: 2 } },
          { kind: 'recv', wr: { id: 3 } },
          { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 101 } }, // M1
          { kind: 'post', wr: { id: 2, opcode: 'SEND', value: 102 }, after: { on: 'deliver', wr: 1 } }, // M2
        ],
        faults: [
          { kind: 'link-down', path: 0, direction: 'b-to-a', after: { on: 'execute', wr: 1 } }, // M1's ACK lost
          { kind: 'qp-error', host: 'B', path: 0, after: { on: 'execute', wr: 1 } }, // B's RECVs flush to the backup
        ],
      },
      retryOnBackup,
    );
    const landed = of(ex, 'RecvConsumed').map((e) => `M${e.wr}->R${e.recvWr}`);
    expect(landed).toEqual(['M1->R1', 'M1->R2', 'M2->R3']);
  });

  test('CAS double success: S CAS(0,1) succeeds, P CAS(1,0) succeeds, S retries CAS(0,1): succeeds again', () => {
    const ex = run(
      {
        workload: [
          { kind: 'post', wr: { id: 1, opcode: 'CMP_SWAP', addr: 0, compare: 0, swap: 1 } },
          { kind: 'third', op: 'CMP_SWAP', addr: 0, compare: 1, swap: 0, after: { on: 'execute', wr: 1 } },
        ],
        faults: [{ kind: 'link-down', path: 0, direction: 'b-to-a', after: { on: 'execute', wr: 1 } }],
      },
      retryOnBackup,
    );
    const casResults = of(ex, 'Execute')
      .filter((e) => e.wr === 1)
      .map((e) => e.old);
    expect(casResults).toEqual([0, 0]); // both executions saw the expected value: two successes
    expect(of(ex, 'ThirdParty')[0].old).toBe(1); // P's CAS(1,0) succeeded in between
    expect(ex.end.memory.B[0]).toBe(1); // P's modification was silently overwritten
    expect(delivered(ex)).toEqual(['1:SUCCESS']);
  });

  test('FADD double count: a FETCH_ADD retried on the backup after a lost ACK adds twice', () => {
    const ex = run(
      {
        workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } }],
        faults: [{ kind: 'link-down', path: 0, direction: 'b-to-a', after: { on: 'execute', wr: 1 } }],
      },
      retryOnBackup,
    );
    expect(executions(ex, 1)).toBe(2);
    expect(ex.end.memory.B[0]).toBe(2);
  });
});
