import type { Fault, Scenario } from '../../src/core/scenario';
import { layers } from '../../src/layers';
import { executions, layerEffects, memoryB, of, recvDeliveries, run, sendDeliveries } from './helpers';

describe('completionLog: the positive control executes every WR exactly once and masks the failure', () => {
  it('a WRITE whose answers are lost is retried by request id and answered from the log, not re-executed', () => {
    // 1. A sends the RPC request for WRITE(word 3 = 7) on path 0; B's layer executes it once and logs it.
    // 2. The receiver app consumes 7 and reuses word 3 (99). Every response on path 0 is lost.
    // 3. A gives up on path 0 and re-sends the same request id on path 1: B answers from its log.
    const ex = run(layers.completionLog, {
      workload: [
        { kind: 'reuse', addr: 3, expect: 7, value: 99 },
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 3, value: 7 } },
      ],
      faults: [{ kind: 'drop-response', path: 0, count: 'all' }],
    });
    expect(layerEffects(ex, 1)).toBe(1);
    expect(executions(ex, 1)).toBe(0);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(memoryB(ex)[3]).toBe(99);
  });

  it('a SEND whose ACK is lost is not re-sent: B, having fenced the old path, says it arrived', () => {
    const ex = run(layers.completionLog, {
      workload: [
        { kind: 'recv', wr: { id: 1 } },
        { kind: 'recv', wr: { id: 2 } },
        { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 11 } },
        { kind: 'post', wr: { id: 2, opcode: 'SEND', value: 12 } },
      ],
      faults: [{ kind: 'drop-response', path: 0, wr: 1, count: 'all' }],
    });
    expect(executions(ex, 1)).toBe(1);
    expect(of(ex, 'Reset').map((r) => [r.host, r.path])).toEqual(
      expect.arrayContaining([
        ['A', 0],
        ['B', 0],
      ]),
    );
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '2:SUCCESS']);
    expect(recvDeliveries(ex)).toEqual(['1<-11', '2<-12']);
  });

  it('a SEND lost before it arrived is re-sent once, after B said it never arrived', () => {
    const ex = run(layers.completionLog, {
      workload: [
        { kind: 'recv', wr: { id: 1 } },
        { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 11 } },
      ],
      faults: [{ kind: 'drop-request', path: 0, wr: 1, count: 'all' }],
    });
    expect(executions(ex, 1)).toBe(1);
    expect(recvDeliveries(ex)).toEqual(['1<-11']);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });

  it('ABA by a third party and a lost management network change nothing: the CAS takes effect once', () => {
    const ex = run(layers.completionLog, {
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'CMP_SWAP', addr: 4, compare: 0, swap: 1 } },
        { kind: 'third', op: 'CMP_SWAP', addr: 4, compare: 1, swap: 0, after: { on: 'start' } },
        { kind: 'post', wr: { id: 2, opcode: 'FETCH_ADD', addr: 5, add: 3 } },
      ],
      faults: [
        { kind: 'control-loss', after: { on: 'start' } },
        { kind: 'link-down', path: 0, direction: 'b-to-a', after: { on: 'start' } },
      ],
    });
    expect(layerEffects(ex, 1)).toBe(1);
    expect(layerEffects(ex, 2)).toBe(1);
    expect(
      of(ex, 'Deliver')
        .filter((d) => d.host === 'A')
        .map((d) => [d.wc.wrId, d.wc.status, d.wc.value]),
    ).toEqual([
      [1, 'SUCCESS', 0],
      [2, 'SUCCESS', 0],
    ]);
    expect(memoryB(ex)[5]).toBe(3);
  });

  it.each(['READ', 'SEND', 'WRITE_WITH_IMM'] as const)(
    'a signaled %s after an unsignaled one completes (the unsignaled success stays silent)',
    (opcode) => {
      // One operation at a time: the layer must see the first WR finish even though the
      // application asked for no completion of it, or the second one never starts.
      const wr = (id: number, signaled: boolean) => ({ id, opcode, addr: id, value: 10 + id, imm: id, signaled });
      const ex = run(layers.completionLog, {
        workload: [
          { kind: 'recv', wr: { id: 1 } },
          { kind: 'recv', wr: { id: 2 } },
          { kind: 'post', wr: wr(1, false) },
          { kind: 'post', wr: wr(2, true) },
        ],
        faults: [],
      });
      expect(sendDeliveries(ex)).toEqual(['2:SUCCESS']);
      expect(executions(ex, 1)).toBe(1);
      expect(executions(ex, 2)).toBe(1);
    },
  );

  /**
   * Path 0 loses A's requests for a while (B has nothing outstanding there, so only A notices)
   * and path 1 dies for good later: the third FETCH_ADD can only go back to path 0. A reset of
   * A's end alone would leave B's end expecting its old PSN, and A's restarted request would be
   * ACKed as a duplicate without ever reaching B's layer.
   */
  const backToAPathGivenUp = (extraFaults: Fault[]): Scenario => {
    const fetchAdd = (id: number, atNs: number) => ({
      kind: 'post' as const,
      wr: { id, opcode: 'FETCH_ADD' as const, addr: id, add: 1 },
      after: { on: 'at' as const, atNs },
    });
    return {
      workload: [fetchAdd(1, 0), fetchAdd(2, 20_000), fetchAdd(3, 500_000)],
      faults: [
        { kind: 'link-down', path: 0, direction: 'a-to-b', after: { on: 'at', atNs: 10_000 }, upAfterNs: 300_000 },
        { kind: 'link-down', path: 1, direction: 'a-to-b', after: { on: 'at', atNs: 400_000 } },
        ...extraFaults,
      ],
    };
  };

  it('a path given up is reset on both ends before it carries anything again', () => {
    const ex = run(layers.completionLog, backToAPathGivenUp([]));
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '2:SUCCESS', '3:SUCCESS']);
    expect(memoryB(ex).slice(1, 4)).toEqual([1, 1, 1]);
    // Each reset of A's end is followed by B's, to the same PSNs, before the path is used again.
    const resets = of(ex, 'Reset').map((r) => `${r.host}:${r.path}:${r.sqPsn}/${r.rqPsn}`);
    // Incarnation 1 starts 2^16 below PSN 0: the old connection's traffic is ahead of it, out of sequence.
    expect(resets).toEqual([
      'A:0:16711680/16711680',
      'B:0:16711680/16711680',
      'A:1:16711680/16711680',
      'B:1:16711680/16711680',
    ]);
  });

  it('with the management network lost, the incarnations travel in the RPCs of a working path', () => {
    const ex = run(layers.completionLog, backToAPathGivenUp([{ kind: 'control-loss', after: { on: 'start' } }]));
    expect(of(ex, 'ControlLost').length).toBeGreaterThan(0);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '2:SUCCESS', '3:SUCCESS']);
    expect(memoryB(ex).slice(1, 4)).toEqual([1, 1, 1]);
  });

  it('a READ through a dead path is simply re-read on the backup', () => {
    const ex = run(layers.completionLog, {
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'READ', addr: 2 } }],
      faults: [{ kind: 'nic-death', host: 'B', path: 0, after: { on: 'start' } }],
    });
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });
  it('an answered QUERY is not a failure: a WR that path 0 failed twice and path 1 once is still masked', () => {
    // Found by the generator (completionLog failure-masking, WRITE_WITH_IMM, seed 1), shrunk:
    // 1. WR 3 writes out of range: REM_ACCESS_ERR (surfaced, correctly) leaves path 0 in ERR,
    //    so WR 2's first attempt is flushed there (path 0's first failure).
    // 2. The QUERY for WR 2 goes on path 1, whose NIC is dead for 4 us: lost, RETRY_EXC_ERR after
    //    the 1 ms retransmission timer (path 1's one failure).
    // 3. The QUERY again on path 0 is answered (never arrived): progress, not a failure.
    // 4. WR 2 on path 0 meets B's NIC dying for 1 us: RETRY_EXC_ERR at 2.1 ms (path 0's second).
    // Both paths healed; path 1 failed only once, so the layer must not give up.
    const ex = run(layers.completionLog, {
      config: { paths: 2, retryCnt: 0, timeout: 8, rnrRetry: 0 },
      workload: [
        { kind: 'recv', wr: { id: 3 } },
        { kind: 'recv', wr: { id: 4 } },
        { kind: 'recv', wr: { id: 5 } },
        { kind: 'post', wr: { id: 1, opcode: 'WRITE_WITH_IMM', addr: 0, value: 1, imm: 1 } },
        {
          kind: 'post',
          wr: { id: 2, opcode: 'WRITE_WITH_IMM', addr: 0, value: 1, imm: 2 },
          after: { on: 'post', wr: 1 },
        },
        { kind: 'post', wr: { id: 3, opcode: 'WRITE_WITH_IMM', addr: 1_048_576, value: 1, imm: 3 } },
      ],
      faults: [
        { kind: 'nic-death', host: 'B', path: 0, after: { on: 'send', wr: 2 }, reviveAfterNs: 1000 },
        { kind: 'nic-death', host: 'B', path: 1, after: { on: 'start' }, reviveAfterNs: 4001 },
      ],
    });
    expect(
      of(ex, 'Completion')
        .filter((c) => c.host === 'A' && c.wc.wrId === 2)
        .map((c) => c.wc.status),
    ).toEqual(['WR_FLUSH_ERR', 'RETRY_EXC_ERR', 'SUCCESS']);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '3:REM_ACCESS_ERR', '2:SUCCESS']);
    expect(executions(ex, 2)).toBe(1);
  });
  it("a SEND given up while a copy is still delayed on the wire cannot land in the next SEND's RECV", () => {
    // Found by the generator (completionLog no-queue-sliding, SEND, seed 2, 2,000 runs), shrunk:
    // every request of WR 1 is delayed just past the retransmission timer (268 ms at timeout 16),
    // so each copy times out and the layer gives up on WR 1. Its last copy, on path 1, arrives
    // 1 ns after that give-up, before B's end of path 1 has followed A's reset: without a fence,
    // WR 2 (sent at once on path 0) took RECV 1 and WR 1's late copy RECV 2.
    const ex = run(layers.completionLog, {
      config: { paths: 2, retryCnt: 0, timeout: 16, rnrRetry: 0 },
      workload: [
        { kind: 'recv', wr: { id: 1 } },
        { kind: 'recv', wr: { id: 2 } },
        { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 101 } },
        { kind: 'post', wr: { id: 2, opcode: 'SEND', value: 102 }, after: { on: 'deliver', wr: 1 } },
      ],
      faults: [{ kind: 'delay', direction: 'request', delayNs: 268_435_457, wr: 1, count: 'all' }],
    });
    expect(sendDeliveries(ex)).toEqual(['1:RETRY_EXC_ERR', '2:SUCCESS']);
    // WR 2 is preceded by a QUERY whose request makes B fence the path WR 1's copy is late on.
    expect(recvDeliveries(ex)).toEqual(['1<-102']);
    expect(executions(ex, 1)).toBe(0);
  });
  it('with the management network gone for good, re-announcing a reset backs off while a NIC timer of 0.5 s runs', () => {
    // Found by the generator (completionLog, READ, seed 3, 2,000 runs): re-announced every 100 us,
    // the reset of path 0 cost some 16,000 steps while the READ on path 1 waited out its 537 ms
    // retransmission timer, past the work budget (maxLayerSteps 10,000).
    const ex = run(layers.completionLog, {
      config: { paths: 2, retryCnt: 0, timeout: 17, rnrRetry: 0 },
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'READ', addr: 1 } }],
      faults: [
        { kind: 'control-loss', after: { on: 'start' } },
        { kind: 'drop-response', count: 'all' },
      ],
    });
    expect(sendDeliveries(ex)).toEqual(['1:RETRY_EXC_ERR']);
    expect(of(ex, 'SendControl').length).toBeLessThan(100);
  });
});
