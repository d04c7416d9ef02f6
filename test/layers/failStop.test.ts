import { layers } from '../../src/layers';
import { executions, memoryB, of, run, sendDeliveries } from './helpers';

describe('failStop: surfaces every error and never executes anything twice', () => {
  it('a FETCH_ADD whose ACK is lost executes once and the error reaches the application', () => {
    // 1. A posts FETCH_ADD(word 2, +5) on path 0; B's NIC executes it (word 2 = 5).
    // 2. Every ACK of it is lost; A's NIC retransmits, B answers from its atomic cache, lost again.
    // 3. retry_cnt runs out: RETRY_EXC_ERR. failStop hands it over and posts nothing anywhere else.
    const ex = run(layers.failStop, {
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 2, add: 5 } }],
      faults: [{ kind: 'drop-response', path: 0, count: 'all' }],
    });
    expect(executions(ex, 1)).toBe(1);
    expect(sendDeliveries(ex)).toEqual(['1:RETRY_EXC_ERR']);
    expect(of(ex, 'Post').filter((p) => p.path !== 0)).toEqual([]);
    expect(memoryB(ex)[2]).toBe(5);
  });

  it('after the first error every later WR fails at once instead of hanging', () => {
    const ex = run(layers.failStop, {
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 1, value: 7 } },
        { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 1, value: 8 }, after: { on: 'deliver', wr: 1 } },
      ],
      faults: [{ kind: 'link-down', path: 0, direction: 'both', after: { on: 'start' } }],
    });
    expect(sendDeliveries(ex)).toEqual(['1:RETRY_EXC_ERR', '2:WR_FLUSH_ERR']);
    expect(executions(ex, 2)).toBe(0);
  });
});
