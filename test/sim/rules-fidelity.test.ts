/**
 * RC fidelity rules found by a second reading of the simulator (each was a defect once): the
 * liveness budget, packets in flight, implied NAKs, the initiator depth and responder resources,
 * RNR waits, resets.
 */
import type { FailoverLayer } from '../../src/core/layer';
import type { Scenario, SimConfig } from '../../src/core/scenario';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/core/scenario';
import type { SendWr } from '../../src/core/verbs';
import { layers } from '../../src/layers';
import { passThrough } from '../../src/layers/passThrough';
import { delivered, executions, of, run } from './helpers';

const write = (id: number, addr = 0, value = id): SendWr => ({ id, opcode: 'WRITE', addr, value });

describe('RC fidelity', () => {
  test('rule: a slow retransmission timer (timeout 11, 8.4 ms) is waited for; it is not taken for a hang', () => {
    const ex = run({
      config: { timeout: 11 },
      workload: [{ kind: 'post', wr: write(1) }],
      faults: [{ kind: 'link-down', path: 0, direction: 'both', after: { on: 'start' }, upAfterNs: 1_000 }],
    });
    expect(delivered(ex)).toEqual(['1:SUCCESS']);
    expect(of(ex, 'Timeout')[0].t).toBe(4096 * 2 ** 11);
    const healthy = run({ config: { timeout: 11 }, workload: [{ kind: 'post', wr: write(1) }], faults: [] });
    expect(healthy.end.reason).toBe('quiescent'); // a cancelled timer is no pending work
  });

  test('rule: timeout 0 means no retransmission timer at all (IBTA): a lost request hangs', () => {
    const ex = run({
      config: { timeout: 0, livenessNs: 1_000_000 },
      workload: [{ kind: 'post', wr: write(1) }],
      faults: [{ kind: 'link-down', path: 0, direction: 'a-to-b', after: { on: 'start' } }],
    });
    expect(of(ex, 'Timeout')).toEqual([]);
    expect(delivered(ex)).toEqual([]);
  });

  test('rule: a packet in flight when its link or NIC dies is lost, and a dead NIC executes nothing', () => {
    const ex = run({
      workload: [{ kind: 'post', wr: write(1, 0, 7) }],
      faults: [{ kind: 'nic-death', host: 'B', path: 0, after: { on: 'at', atNs: 500 } }],
    });
    expect(executions(ex, 1)).toBe(0);
    expect(of(ex, 'PacketLost')[0].reason).toBe("B's NIC 0 dead while in flight");
    expect(ex.end.memory.B[0]).toBe(0);
  });

  test('rule: an implied NAK starts one retry sequence, counted against retry_cnt (no storm)', () => {
    const workload = [
      { kind: 'post' as const, wr: { id: 1, opcode: 'READ' as const, addr: 0 } },
      ...Array.from({ length: 19 }, (_, k) => ({ kind: 'post' as const, wr: write(k + 2, 1) })),
    ];
    const ex = run({ workload, faults: [{ kind: 'drop-response', wr: 1 }] });
    expect(of(ex, 'Send').filter((s) => s.retransmit).length).toBeLessThanOrEqual(20);
    expect(delivered(ex).every((d) => d.endsWith(':SUCCESS'))).toBe(true);
    const noRetries = run({
      config: { retryCnt: 0 },
      workload: workload.slice(0, 3),
      faults: [{ kind: 'drop-response', wr: 1 }],
    });
    expect(delivered(noRetries)[0]).toBe('1:RETRY_EXC_ERR');
  });

  test("rule: a sequence NAK is no WR's response: a drop-response fault aimed at a WR does not take it", () => {
    const ex = run({
      workload: [
        { kind: 'post', wr: write(1) },
        { kind: 'post', wr: write(2) },
      ],
      faults: [
        { kind: 'drop-request', wr: 1 },
        { kind: 'drop-response', wr: 2 },
      ],
    });
    const lost = of(ex, 'AckLost');
    expect(lost.map((a) => [a.wr, a.nak])).toEqual([[2, undefined]]);
    expect(of(ex, 'Execute').find((e) => e.wr === 2)!.i).toBeLessThan(lost[0].i);
  });

  test('rxe_req.c check_init_depth: READs/atomics beyond max_rd_atomic wait for credits (later WRs wait behind them)', () => {
    const ex = run({
      config: { maxRdAtomic: 2 },
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'READ', addr: 0 } },
        { kind: 'post', wr: { id: 2, opcode: 'FETCH_ADD', addr: 1, add: 1 } },
        { kind: 'post', wr: { id: 3, opcode: 'READ', addr: 2 } },
        { kind: 'post', wr: write(4, 3) },
      ],
      faults: [],
    });
    expect(delivered(ex)).toEqual(['1:SUCCESS', '2:SUCCESS', '3:SUCCESS', '4:SUCCESS']);
    const firstSend = (wr: number) => of(ex, 'Send').find((e) => e.wr === wr && !e.retransmit)!.i;
    const response = (wr: number) => of(ex, 'Ack').find((e) => e.wr === wr)!.i;
    expect(firstSend(2)).toBeLessThan(response(1)); // two credits: WR 2 goes at once
    expect(firstSend(3)).toBeGreaterThan(response(1)); // the third waits until WR 1 completes
    expect(firstSend(4)).toBeGreaterThan(firstSend(3)); // the send queue is processed in order
  });

  test('initiator depth: maxRdAtomic defaults to maxDestRdAtomic, as the native adapter sets max_rd_atomic', () => {
    expect(resolveConfig({ config: { maxDestRdAtomic: 2 }, workload: [], faults: [] }).maxRdAtomic).toBe(2);
    expect(resolveConfig({ workload: [], faults: [] }).maxRdAtomic).toBe(DEFAULT_CONFIG.maxDestRdAtomic);
    expect(resolveConfig({ config: { maxRdAtomic: 8 }, workload: [], faults: [] }).maxRdAtomic).toBe(8);
  });

  // Issue 10, part 1: without the initiator depth, all five went out at once, WR 5 evicted WR 1's
  // responder resource and WR 1's retransmission was dropped (1:RETRY_EXC_ERR, 2..5:WR_FLUSH_ERR).
  const fiveAdds = (config: Partial<SimConfig> = {}): Partial<Scenario> => ({
    config,
    workload: [1, 2, 3, 4, 5].map((id) => ({
      kind: 'post' as const,
      wr: { id, opcode: 'FETCH_ADD' as const, addr: 0, add: 1 },
    })),
    faults: [{ kind: 'drop-response', wr: 1 }],
  });

  test.each([
    ['pass-through', passThrough],
    ['resend-all', layers.resendAll],
    ['shift-no-atomic-abort', layers.shiftNoAtomicAbort],
  ])(
    'initiator depth: five FETCH_ADDs (+1 on word 0), the response of WR 1 lost once: all SUCCESS, B[0] = 5 (%s)',
    (_name, layer) => {
      const ex = run(fiveAdds(), layer);
      expect(delivered(ex)).toEqual(['1:SUCCESS', '2:SUCCESS', '3:SUCCESS', '4:SUCCESS', '5:SUCCESS']);
      expect(ex.end.memory.B[0]).toBe(5);
      for (const wr of [1, 2, 3, 4, 5]) expect([wr, executions(ex, wr)]).toEqual([wr, 1]);
      expect(of(ex, 'Receive').some((r) => r.duplicate && r.wr === 1 && r.note?.includes('atomic cache'))).toBe(true);
    },
  );

  test("misconfiguration: maxRdAtomic above the peer's maxDestRdAtomic lets the responder evict resources of outstanding requests", () => {
    const ex = run(fiveAdds({ maxDestRdAtomic: 4, maxRdAtomic: 5 }));
    const duplicates = of(ex, 'Receive').filter((r) => r.duplicate && r.wr === 1);
    expect(duplicates.length).toBeGreaterThan(0);
    expect(duplicates.every((r) => r.note?.includes('evicted'))).toBe(true);
    expect(delivered(ex)).toEqual([
      '1:RETRY_EXC_ERR',
      '2:WR_FLUSH_ERR',
      '3:WR_FLUSH_ERR',
      '4:WR_FLUSH_ERR',
      '5:WR_FLUSH_ERR',
    ]);
  });

  test("rule: READs and atomics share the responder's max_dest_rd_atomic slots (reached only past the initiator depth)", () => {
    const ex = run({
      config: { maxDestRdAtomic: 1, maxRdAtomic: 2 },
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } },
        { kind: 'post', wr: { id: 2, opcode: 'READ', addr: 1 } },
      ],
      faults: [{ kind: 'drop-response', wr: 1 }],
    });
    const duplicates = of(ex, 'Receive').filter((r) => r.duplicate && r.wr === 1);
    expect(duplicates.length).toBeGreaterThan(0);
    expect(duplicates.every((r) => r.note?.includes('evicted'))).toBe(true);
    expect(delivered(ex)[0]).toBe('1:RETRY_EXC_ERR');
  });

  test('rxe_resp.c check_resource: a responder with max_dest_rd_atomic 0 answers a READ REM_INV_REQ_ERR', () => {
    const none = run({
      config: { maxDestRdAtomic: 0, maxRdAtomic: 1 },
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'READ', addr: 0 } }],
      faults: [],
    });
    expect(delivered(none)).toEqual(['1:REM_INV_REQ_ERR']);
  });

  test('rule: while waiting out an RNR NAK the requester does not retransmit early (a sequence NAK waits too)', () => {
    const ex = run({
      config: { rnrRetry: 2, minRnrTimerNs: 10_000 },
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 1 } },
        { kind: 'post', wr: write(2) },
        { kind: 'recv', wr: { id: 1 }, after: { on: 'at', atNs: 15_000 } },
      ],
      faults: [],
    });
    expect(delivered(ex)).toEqual(['1:SUCCESS', '2:SUCCESS']);
  });

  test('rule: a response already on the wire when the peer resets still completes the WR', () => {
    const bResets: FailoverLayer = {
      name: 'b-resets',
      create: (env) => {
        if (env.host === 'B') env.setTimer(1_500, 'reset');
        return {
          postSend: (wr) => void env.post(0, wr),
          postRecv: (wr) => void env.postRecv(0, wr),
          onCompletion: (_p, wc) => env.deliver(wc),
          onTimer: () => env.reset(0),
        };
      },
    };
    const ex = run({ workload: [{ kind: 'post', wr: write(1) }], faults: [] }, bResets);
    expect(delivered(ex)).toEqual(['1:SUCCESS']);
  });

  test('rule: a remote error for a later PSN while an earlier READ lacks its data retries the READ first', () => {
    const ex = run({
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'READ', addr: 0 } },
        { kind: 'post', wr: write(2, 99) },
      ],
      faults: [{ kind: 'drop-response', wr: 1 }],
    });
    const statuses = delivered(ex);
    expect(statuses[0]).not.toBe('1:WR_FLUSH_ERR'); // never a flush before the real error
  });

  test('rule: an anchor on a Send fires once the packet is on the wire (the fault hits what follows)', () => {
    const ex = run({
      workload: [{ kind: 'post', wr: write(1) }],
      faults: [{ kind: 'link-down', path: 0, direction: 'a-to-b', after: { on: 'send', wr: 1 }, upAfterNs: 10 }],
    });
    expect(of(ex, 'PacketLost')).toEqual([]);
    expect(delivered(ex)).toEqual(['1:SUCCESS']);
  });

  test('limit: a layer looping inside one callback is stopped by the event limit', () => {
    const flood: FailoverLayer = {
      name: 'flood',
      create: (env) => ({
        postSend: (wr) => {
          for (let k = 0; k < 20_000; k++) env.post(0, wr);
        },
        postRecv: () => undefined,
        onCompletion: () => undefined,
      }),
    };
    const ex = run({ config: { maxEvents: 1_000 }, workload: [{ kind: 'post', wr: write(1) }], faults: [] }, flood);
    expect(ex.end.reason).toBe('event-limit');
    expect(ex.trace.length).toBe(1_001);
  });

  test('determinism: a layer mutating a payload it was given changes neither the scenario nor the trace', () => {
    const mutator: FailoverLayer = {
      name: 'mutator',
      create: (env) => ({
        postSend: (wr) => {
          env.post(0, wr);
          wr.payload?.push(99);
        },
        postRecv: (wr) => void env.postRecv(0, wr),
        onCompletion: (_p, wc) => {
          wc.payload?.push(99);
          env.deliver(wc);
        },
      }),
    };
    const scenario = {
      workload: [
        { kind: 'recv' as const, wr: { id: 1 } },
        { kind: 'post' as const, wr: { id: 1, opcode: 'SEND' as const, value: 1, payload: [1, 2] } },
      ],
      faults: [],
    };
    const ex = run(scenario, mutator);
    expect(scenario.workload[1]).toEqual({ kind: 'post', wr: { id: 1, opcode: 'SEND', value: 1, payload: [1, 2] } });
    expect(of(ex, 'AppPostSend')[0].wr.payload).toEqual([1, 2]);
    expect(of(ex, 'Completion').find((c) => c.host === 'B')!.wc.payload).toEqual([1, 2]);
  });
});
