/**
 * NIC profiles (docs/simulator.md, "NIC profiles"): one rule test per difference between 'ibta'
 * (the default: the IBTA specification, and mlx5) and 'rxe' (the Linux Soft-RoCE driver,
 * drivers/infiniband/sw/rxe), each citing its source. Same scenario, both profiles.
 */
import type { Scenario, SimConfig } from '../../src/core/scenario';
import { RXE_JIFFY_NS } from '../../src/core/verbs';
import { delivered, of, run } from './helpers';

const MS = 1_000_000;

/** Runs `scenario` under `nic`, its other settings unchanged. */
function under(nic: SimConfig['nic'], scenario: Partial<Scenario>) {
  return run({ ...scenario, config: { ...scenario.config, nic } });
}

const lostForever = (config: Partial<SimConfig>): Partial<Scenario> => ({
  config,
  workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } }],
  faults: [{ kind: 'drop-request', wr: 1, count: 'all' }],
});

describe('NIC profiles', () => {
  test('the jiffy is 4 ms (HZ=250)', () => {
    expect(RXE_JIFFY_NS).toBe(4 * MS);
  });

  test('rxe_comp.c COMPST_ERROR_RETRY: retry_cnt 7 retries forever on rxe (not decremented); IBTA: 7 retries', () => {
    const ibta = under('ibta', lostForever({ retryCnt: 7 }));
    expect(of(ibta, 'Timeout').length).toBe(8);
    expect(delivered(ibta)).toEqual(['1:RETRY_EXC_ERR']);
    const rxe = under('rxe', lostForever({ retryCnt: 7 }));
    expect(of(rxe, 'Timeout').length).toBeGreaterThan(8);
    expect(of(rxe, 'Timeout').every((t) => t.retriesLeft === 7)).toBe(true);
    expect(delivered(rxe)).toEqual([]);
    // retry_cnt 6 is counted as usual on both.
    expect(delivered(under('rxe', lostForever({ retryCnt: 6 })))).toEqual(['1:RETRY_EXC_ERR']);
  });

  test.each([
    // timeout, IBTA's 4.096 us * 2^timeout, rxe's whole jiffies (at least one)
    [1, 8_192, 4 * MS],
    [6, 262_144, 4 * MS],
    [10, 4_194_304, 4 * MS],
    [11, 8_388_608, 8 * MS],
    [14, 67_108_864, 64 * MS],
  ])(
    'rxe_qp.c rxe_qp_from_attr: the retransmission timer is jiffy-floored on rxe (timeout %i: IBTA %i ns, rxe %i ns)',
    (timeout, ibtaNs, rxeNs) => {
      const first = (nic: SimConfig['nic']) => of(under(nic, lostForever({ timeout, retryCnt: 1 })), 'Timeout')[0].t;
      expect([first('ibta'), first('rxe')]).toEqual([ibtaNs, rxeNs]);
    },
  );

  test('rxe_comp.c rnrnak_jiffies: the RNR wait rounds up to at least one jiffy on rxe', () => {
    const scenario: Partial<Scenario> = {
      config: { minRnrTimerNs: 10_000, rnrRetry: 7 },
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 1 } },
        { kind: 'recv', wr: { id: 1 }, after: { on: 'at', atNs: 5_000 } },
      ],
      faults: [],
    };
    const wait = (nic: SimConfig['nic']) => {
      const ex = under(nic, scenario);
      expect(delivered(ex)).toEqual(['1:SUCCESS']);
      const rnr = of(ex, 'Ack').find((a) => a.nak === 'RNR')!;
      return of(ex, 'Send').find((s) => s.retransmit)!.t - rnr.t;
    };
    expect([wait('ibta'), wait('rxe')]).toEqual([10_000, RXE_JIFFY_NS]);
  });

  test("rxe_comp.c COMPST_RNR_RETRY: rxe's retransmission timer keeps running during an RNR wait, so repeated RNR ends in RETRY_EXC_ERR even with rnr_retry 7", () => {
    const neverARecv: Partial<Scenario> = {
      config: { rnrRetry: 7, retryCnt: 2, livenessNs: 50 * MS },
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'SEND', value: 1 } }],
      faults: [],
    };
    const ibta = under('ibta', neverARecv);
    expect(of(ibta, 'Ack').filter((a) => a.nak === 'RNR').length).toBeGreaterThan(3);
    expect(of(ibta, 'Timeout')).toEqual([]);
    expect(delivered(ibta)).toEqual([]); // rnr_retry 7: the requester waits for a RECV forever
    const rxe = under('rxe', neverARecv);
    expect(of(rxe, 'Ack').filter((a) => a.nak === 'RNR').length).toBeGreaterThan(1);
    expect(of(rxe, 'Timeout').length).toBe(3);
    expect(delivered(rxe)).toEqual(['1:RETRY_EXC_ERR']);
  });

  test("rxe_net.c rxe_find_route: a WRITE posted while the requester's netdev is down completes LOC_QP_OP_ERR on rxe and its QP goes to ERR; IBTA: the NIC retries", () => {
    // nic-death is how the native adapter downs a netdev (ip link set dev down): docs/simulator.md.
    const netdevDown: Partial<Scenario> = {
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 7 }, after: { on: 'at', atNs: 10 } }],
      faults: [{ kind: 'nic-death', host: 'A', path: 0, after: { on: 'start' }, reviveAfterNs: 20_000 }],
    };
    const ibta = under('ibta', netdevDown);
    expect(delivered(ibta)).toEqual(['1:SUCCESS']); // lost while down, retransmitted after it came back
    expect(ibta.end.memory.B[0]).toBe(7);
    const rxe = under('rxe', netdevDown);
    expect(delivered(rxe)).toEqual(['1:LOC_QP_OP_ERR']);
    expect(of(rxe, 'Send')).toEqual([]); // the packet was never built
    expect(of(rxe, 'QpState').map((q) => `${q.host}${q.path}:${q.to}`)).toEqual(['A0:ERR']);
    expect(of(rxe, 'PortEvent').map((p) => `${p.host}${p.path}:${p.event}`)).toEqual(['A0:PORT_ERR', 'A0:PORT_ACTIVE']);
    expect(rxe.end.memory.B[0]).toBe(0);
  });

  test("rxe_qp.c rxe_qp_error: rxe's receive and send flushes interleave (the RQ first); IBTA: the SQ, then the RQ", () => {
    const failed: Partial<Scenario> = {
      workload: [
        { kind: 'recv', host: 'A', wr: { id: 8 } },
        { kind: 'recv', host: 'A', wr: { id: 9 } },
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } },
        { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 1, value: 1 } },
        { kind: 'post', wr: { id: 3, opcode: 'WRITE', addr: 2, value: 1 } },
      ],
      faults: [{ kind: 'link-down', path: 0, direction: 'both', after: { on: 'start' } }],
    };
    const order = (nic: SimConfig['nic']) =>
      of(under(nic, failed), 'Completion')
        .filter((c) => c.host === 'A')
        .map((c) => `${c.wc.opcode}${c.wc.wrId}:${c.wc.status}`);
    expect(order('ibta')).toEqual([
      'WRITE1:RETRY_EXC_ERR',
      'WRITE2:WR_FLUSH_ERR',
      'WRITE3:WR_FLUSH_ERR',
      'RECV8:WR_FLUSH_ERR',
      'RECV9:WR_FLUSH_ERR',
    ]);
    expect(order('rxe')).toEqual([
      'WRITE1:RETRY_EXC_ERR',
      'RECV8:WR_FLUSH_ERR',
      'WRITE2:WR_FLUSH_ERR',
      'RECV9:WR_FLUSH_ERR',
      'WRITE3:WR_FLUSH_ERR',
    ]);
  });

  test("rxe_qp.c rxe_qp_from_attr: rxe rounds max_dest_rd_atomic up to a power of two (3 slots hold 4 atomics' results)", () => {
    // Four FETCH_ADDs outstanding against 3 responder slots; WR 1's response lost once.
    const scenario: Partial<Scenario> = {
      config: { maxDestRdAtomic: 3, maxRdAtomic: 4 },
      workload: [1, 2, 3, 4].map((id) => ({
        kind: 'post' as const,
        wr: { id, opcode: 'FETCH_ADD' as const, addr: 0, add: 1 },
      })),
      faults: [{ kind: 'drop-response', wr: 1 }],
    };
    const ibta = under('ibta', scenario);
    expect(delivered(ibta)[0]).toBe('1:RETRY_EXC_ERR'); // WR 4 evicted WR 1's result
    const rxe = under('rxe', scenario);
    expect(delivered(rxe)).toEqual(['1:SUCCESS', '2:SUCCESS', '3:SUCCESS', '4:SUCCESS']);
    expect(rxe.end.memory.B[0]).toBe(4);
  });

  test('rxe_qp.c rxe_qp_from_attr: rxe rounds max_rd_atomic up to a power of two (an initiator depth of 3 sends 4)', () => {
    const scenario: Partial<Scenario> = {
      config: { maxRdAtomic: 3 },
      workload: [1, 2, 3, 4].map((id) => ({ kind: 'post' as const, wr: { id, opcode: 'READ' as const, addr: 0 } })),
      faults: [],
    };
    const sentBeforeFirstResponse = (nic: SimConfig['nic']) => {
      const ex = under(nic, scenario);
      const firstAck = of(ex, 'Ack')[0].i;
      return of(ex, 'Send').filter((s) => s.i < firstAck).length;
    };
    expect([sentBeforeFirstResponse('ibta'), sentBeforeFirstResponse('rxe')]).toEqual([3, 4]);
  });
});
