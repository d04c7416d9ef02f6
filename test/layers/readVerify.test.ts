import { layers } from '../../src/layers';
import { executions, memoryB, of, run, sendDeliveries } from './helpers';

describe('readVerify: READ-before-retry cannot tell an executed CAS from an unexecuted one (Theorem 3)', () => {
  it('without a concurrent writer the READ shows the CAS executed, and it is not retried', () => {
    const ex = run(layers.readVerify, {
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'CMP_SWAP', addr: 4, compare: 0, swap: 1 } }],
      faults: [{ kind: 'drop-response', path: 0, count: 'all' }],
    });
    expect(executions(ex, 1)).toBe(1);
    expect(
      of(ex, 'Post')
        .filter((p) => p.host === 'A' && p.path === 1)
        .map((p) => p.wr.opcode),
    ).toEqual(['READ']);
    expect(
      of(ex, 'Deliver')
        .filter((d) => d.host === 'A')
        .map((d) => [d.wc.status, d.wc.value]),
    ).toEqual([['SUCCESS', 0]]);
  });

  it('ABA: a third party resets the word, the READ sees 0, and the CAS succeeds a second time', () => {
    // 1. A's CAS(word 4, 0 -> 1) executes on path 0 (word 4 = 1); every ACK is lost.
    // 2. C, a third party, CASes word 4 from 1 back to 0 (P's update).
    // 3. RETRY_EXC_ERR; readVerify READs word 4 through path 1: 0, "looks unexecuted".
    // 4. It re-posts the CAS, which succeeds again: S's single CAS took effect twice, P's update is lost.
    const ex = run(layers.readVerify, {
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'CMP_SWAP', addr: 4, compare: 0, swap: 1 } },
        { kind: 'third', op: 'CMP_SWAP', addr: 4, compare: 1, swap: 0, after: { on: 'execute', wr: 1 } },
      ],
      faults: [{ kind: 'drop-response', path: 0, count: 'all' }],
    });
    const verify = of(ex, 'Execute').filter((e) => e.from === 'A' && e.op === 'READ' && e.path === 1);
    expect(verify.map((e) => e.value)).toEqual([0]);
    expect(executions(ex, 1)).toBe(2);
    expect(of(ex, 'ThirdParty').map((e) => e.old)).toEqual([1]);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(memoryB(ex)[4]).toBe(1);
  });
});
