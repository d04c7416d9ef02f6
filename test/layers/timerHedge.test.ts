import { layers } from '../../src/layers';
import { executions, memoryB, of, run, sendDeliveries } from './helpers';

describe('timerHedge: a slow path looks like a dead one, so it executes twice with no failure at all', () => {
  it('a FETCH_ADD delayed 30 us is hedged on path 1 and both copies execute', () => {
    // 1. A posts FETCH_ADD(word 5, +1) on path 0; its request is delayed 30 us (no loss, no error).
    // 2. The 16 us hedge timer fires first: the same WR is posted on path 1 and executes (word 5 = 1).
    // 3. The delayed original arrives and executes too (word 5 = 2). One completion reaches the app.
    const ex = run(layers.timerHedge, {
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 5, add: 1 } }],
      faults: [{ kind: 'delay', direction: 'request', delayNs: 30_000, path: 0, wr: 1 }],
    });
    expect(of(ex, 'Completion').filter((c) => c.host === 'A' && c.wc.status !== 'SUCCESS')).toEqual([]);
    expect(of(ex, 'TimerFired').filter((e) => e.host === 'A').length).toBeGreaterThan(0);
    expect(executions(ex, 1)).toBe(2);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(memoryB(ex)[5]).toBe(2);
  });

  it('without delay the timer finds the WR completed and nothing is hedged', () => {
    const ex = run(layers.timerHedge, {
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 5, add: 1 } }],
    });
    expect(executions(ex, 1)).toBe(1);
    expect(of(ex, 'Post').filter((p) => p.path === 1)).toEqual([]);
  });
});
