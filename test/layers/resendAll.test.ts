import { layers } from '../../src/layers';
import { executions, memoryB, of, recvDeliveries, run, sendDeliveries } from './helpers';

describe('resendAll: masks the failure but re-executes what executed before a lost ACK', () => {
  it("a WRITE whose ACK is lost is re-executed over the receiver's reuse of the word (T2)", () => {
    // 1. A WRITEs 7 into word 3 on path 0; B executes it; the receiver app sees 7, consumes it
    //    and reuses the word (writes 99).
    // 2. Every ACK on path 0 is lost: RETRY_EXC_ERR.
    // 3. resendAll re-posts the WRITE on path 1: it executes again and overwrites 99 with 7.
    const ex = run(layers.resendAll, {
      workload: [
        { kind: 'reuse', addr: 3, expect: 7, value: 99 },
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 3, value: 7 } },
      ],
      faults: [{ kind: 'drop-response', path: 0, count: 'all' }],
    });
    expect(of(ex, 'AppReuse').map((e) => e.value)).toEqual([99]);
    expect(executions(ex, 1)).toBe(2);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(memoryB(ex)[3]).toBe(7);
  });

  it('a SEND whose ACK is lost is delivered twice: the duplicate fills the next RECV (queue sliding)', () => {
    const ex = run(layers.resendAll, {
      workload: [
        { kind: 'recv', wr: { id: 1 } },
        { kind: 'recv', wr: { id: 2 } },
        { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 11 } },
      ],
      faults: [{ kind: 'drop-response', path: 0, count: 'all' }],
    });
    expect(executions(ex, 1)).toBe(2);
    expect(recvDeliveries(ex)).toEqual(['1<-11', '2<-11']);
  });
});
