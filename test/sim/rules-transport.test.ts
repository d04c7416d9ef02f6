/** verbs-semantics.md, "Transport" and "Completions": each test names the rule it checks. */
import type { FailoverLayer } from '../../src/core/layer';
import { delivered, executions, of, run } from './helpers';

const T_NS = 4096 * 2 ** 4; // the default timeout exponent 4: 65,536 ns

describe('transport rules', () => {
  test('rule: the responder executes in PSN order; a gap gets a sequence NAK and a go-back-N retransmission', () => {
    const ex = run({
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } },
        { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 0, value: 2 } },
      ],
      faults: [{ kind: 'drop-request', wr: 1 }],
    });
    expect(of(ex, 'Execute').map((e) => e.wr)).toEqual([1, 2]);
    expect(of(ex, 'Ack').some((a) => a.nak === 'SEQ' && a.psn === 0)).toBe(true);
    expect(ex.end.memory.B[0]).toBe(2);
    expect(delivered(ex)).toEqual(['1:SUCCESS', '2:SUCCESS']);
  });

  test('rule: the retransmission timer is 4.096 us * 2^timeout, retry_cnt retries, then RETRY_EXC_ERR and ERR', () => {
    const ex = run({
      config: { retryCnt: 3 },
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } }],
      faults: [{ kind: 'drop-request', wr: 1, count: 'all' }],
    });
    expect(of(ex, 'Timeout').map((e) => e.t)).toEqual([1, 2, 3, 4].map((k) => k * T_NS));
    expect(of(ex, 'Send').map((e) => e.retransmit)).toEqual([false, true, true, true]);
    const c = of(ex, 'Completion')[0];
    expect([c.wc.status, c.t]).toEqual(['RETRY_EXC_ERR', 4 * T_NS]);
    expect(of(ex, 'QpState').map((e) => `${e.host}:${e.from}->${e.to}`)).toEqual(['A:RTS->ERR']);
  });

  test('rule: after the first real error, later send WQEs and posted RECVs flush with WR_FLUSH_ERR, in order', () => {
    const ex = run({
      workload: [
        { kind: 'recv', host: 'A', wr: { id: 9 } },
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } },
        { kind: 'post', wr: { id: 2, opcode: 'READ', addr: 0 } },
        { kind: 'post', wr: { id: 3, opcode: 'SEND', value: 5 } },
      ],
      faults: [{ kind: 'link-down', path: 0, direction: 'both', after: { on: 'start' } }],
    });
    expect(
      of(ex, 'Completion')
        .filter((c) => c.host === 'A')
        .map((c) => `${c.wc.opcode}${c.wc.wrId}:${c.wc.status}`),
    ).toEqual(['WRITE1:RETRY_EXC_ERR', 'READ2:WR_FLUSH_ERR', 'SEND3:WR_FLUSH_ERR', 'RECV9:WR_FLUSH_ERR']);
  });

  test('rule: a duplicate WRITE (lost ACK) is ACKed again without executing again', () => {
    const ex = run({
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } },
        { kind: 'reuse', addr: 0, expect: 1, value: 7 },
      ],
      faults: [{ kind: 'drop-response', wr: 1 }],
    });
    expect(executions(ex, 1)).toBe(1);
    expect(of(ex, 'Receive').filter((r) => r.duplicate).length).toBe(1);
    expect(ex.end.memory.B[0]).toBe(7); // the retransmission did not overwrite the reuse
    expect(delivered(ex)).toEqual(['1:SUCCESS']);
  });

  test('rule: a duplicate SEND is ACKed again without consuming a second RECV', () => {
    const ex = run({
      workload: [
        { kind: 'recv', wr: { id: 1 } },
        { kind: 'recv', wr: { id: 2 } },
        { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 11 } },
      ],
      faults: [{ kind: 'drop-response', wr: 1 }],
    });
    expect(of(ex, 'RecvConsumed').map((e) => e.recvWr)).toEqual([1]);
    expect(delivered(ex, 'B')).toEqual(['1:SUCCESS']);
  });

  test('rule: a duplicate READ is executed again and reads the current memory', () => {
    const ex = run({
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'READ', addr: 0 } },
        { kind: 'third', op: 'WRITE', addr: 0, value: 5, after: { on: 'execute', wr: 1 } },
      ],
      faults: [{ kind: 'drop-response', wr: 1 }],
    });
    expect(
      of(ex, 'Execute')
        .filter((e) => e.wr === 1)
        .map((e) => e.value),
    ).toEqual([0, 5]);
    expect(of(ex, 'Deliver')[0].wc.value).toBe(5);
  });

  test('rule: a duplicate atomic is answered from the atomic cache (old value, no second effect)', () => {
    const ex = run({
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } }],
      faults: [{ kind: 'drop-response', wr: 1 }],
    });
    expect(executions(ex, 1)).toBe(1);
    expect(ex.end.memory.B[0]).toBe(1);
    expect(of(ex, 'Deliver')[0].wc).toMatchObject({ status: 'SUCCESS', value: 0 });
  });

  test('rule: a duplicate atomic whose cache slot was evicted (max_dest_rd_atomic) is dropped (only past the initiator depth)', () => {
    const ex = run({
      config: { maxDestRdAtomic: 1, maxRdAtomic: 2 },
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } },
        { kind: 'post', wr: { id: 2, opcode: 'FETCH_ADD', addr: 1, add: 1 } },
      ],
      faults: [{ kind: 'drop-response', wr: 1 }],
    });
    const duplicates = of(ex, 'Receive').filter((r) => r.duplicate);
    expect(duplicates.length).toBeGreaterThan(0);
    expect(duplicates.every((r) => r.note?.includes('evicted'))).toBe(true);
    expect(executions(ex, 1)).toBe(1);
    expect(delivered(ex)).toEqual(['1:RETRY_EXC_ERR', '2:WR_FLUSH_ERR']);
  });

  test('rule: SEND and WRITE_WITH_IMM consume exactly one RECV each, in posting order', () => {
    const ex = run({
      workload: [
        { kind: 'recv', wr: { id: 1 } },
        { kind: 'recv', wr: { id: 2 } },
        { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 11 } },
        { kind: 'post', wr: { id: 2, opcode: 'WRITE_WITH_IMM', addr: 3, value: 4, imm: 99 } },
      ],
      faults: [],
    });
    expect(of(ex, 'RecvConsumed').map((e) => `${e.wr}->${e.recvWr}`)).toEqual(['1->1', '2->2']);
    expect(
      of(ex, 'Deliver')
        .filter((d) => d.host === 'B')
        .map((d) => d.wc),
    ).toEqual([
      { wrId: 1, status: 'SUCCESS', opcode: 'RECV', value: 11 },
      { wrId: 2, status: 'SUCCESS', opcode: 'RECV', withImm: true, imm: 99 },
    ]);
    expect(ex.end.memory.B[3]).toBe(4);
  });

  test('rule: no RECV posted -> RNR NAK, retried after min_rnr_timer; rnr_retry exhausted -> RNR_RETRY_EXC_ERR', () => {
    const ex = run({
      config: { rnrRetry: 2, minRnrTimerNs: 10_000 },
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'SEND', value: 1 } }],
      faults: [],
    });
    const sends = of(ex, 'Send').map((e) => e.t);
    expect(sends).toEqual([0, 12_000, 24_000]); // each retry waits an RTT then min_rnr_timer
    expect(of(ex, 'Ack').filter((a) => a.nak === 'RNR').length).toBe(3);
    expect(delivered(ex)).toEqual(['1:RNR_RETRY_EXC_ERR']);
  });

  test('rule: rnr_retry = 7 retries forever, so a RECV posted late still gets the message', () => {
    const ex = run({
      config: { rnrRetry: 7 },
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 1 } },
        { kind: 'recv', wr: { id: 1 }, after: { on: 'at', atNs: 500_000 } },
      ],
      faults: [],
    });
    expect(of(ex, 'Ack').filter((a) => a.nak === 'RNR').length).toBeGreaterThan(30);
    expect(delivered(ex)).toEqual(['1:SUCCESS']);
  });

  test('rule: an unsignaled WR completes silently on success; a later signaled completion implies it', () => {
    const ex = run({
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1, signaled: false } },
        { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 1, value: 1 } },
      ],
      faults: [],
    });
    expect(of(ex, 'Completion').map((c) => c.wc.wrId)).toEqual([2]);
    expect(executions(ex, 1)).toBe(1);
  });

  test('rule: errors complete even when the WR is unsignaled', () => {
    const ex = run({
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1, signaled: false } }],
      faults: [{ kind: 'link-down', path: 0, direction: 'both', after: { on: 'start' } }],
    });
    expect(delivered(ex)).toEqual(['1:RETRY_EXC_ERR']);
  });

  test('rule: IBV_SEND_FENCE holds a WR until every earlier READ/atomic of its send queue completed', () => {
    const ex = run({
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'READ', addr: 0 } },
        { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 0, value: 9, fence: true } },
        { kind: 'post', wr: { id: 3, opcode: 'WRITE', addr: 1, value: 9 } },
      ],
      faults: [],
    });
    const readAck = of(ex, 'Ack').find((a) => a.wr === 1)!;
    const fencedSend = of(ex, 'Send').find((s) => s.wr === 2)!;
    expect(fencedSend.i).toBeGreaterThan(readAck.i);
    expect(of(ex, 'Deliver')[0].wc.value).toBe(0); // the READ saw the memory before the fenced WRITE
    expect(of(ex, 'Send').map((s) => s.wr)).toEqual([1, 2, 3]); // later WRs wait behind the fence
  });

  test('rule: only atomics must be aligned (IBTA; rxe_mr.c rxe_mr_do_atomic_op): a misaligned READ or WRITE is never REM_INV_REQ_ERR', () => {
    // A fractional word address is a misaligned one (the native adapter maps word w to byte 8w).
    // A READ/WRITE there straddles two words: legal RC, but not representable here, so the
    // simulator refuses it and says why (a scenario at validation, a layer's post with ok: false).
    expect(() => run({ workload: [{ kind: 'post', wr: { id: 1, opcode: 'READ', addr: 0.5 } }], faults: [] })).toThrow(
      /READ at address 0\.5 straddles two words/,
    );
    const shifted: FailoverLayer = {
      name: 'shifted-by-half-a-word',
      create: (env) => ({
        postSend: (wr) => {
          const refused = env.post(0, { ...wr, id: -wr.id, addr: (wr.addr ?? 0) + 0.5 });
          env.deliver({ wrId: wr.id, status: refused.ok ? 'SUCCESS' : 'LOC_QP_OP_ERR', opcode: wr.opcode });
        },
        postRecv: () => undefined,
        onCompletion: () => undefined,
      }),
    };
    for (const opcode of ['READ', 'WRITE'] as const) {
      const ex = run({ workload: [{ kind: 'post', wr: { id: 1, opcode, addr: 2, value: 1 } }], faults: [] }, shifted);
      const post = of(ex, 'Post')[0];
      expect([opcode, post.ok, post.error]).toEqual([opcode, false, expect.stringContaining('straddles two words')]);
      expect(of(ex, 'Completion').map((c) => c.wc.status)).not.toContain('REM_INV_REQ_ERR');
      expect(of(ex, 'LayerFault')).toEqual([]); // legal RC: not the layer's misuse
    }
  });

  test('rule: atomics must be 8-byte aligned (REM_INV_REQ_ERR) and in range (REM_ACCESS_ERR); they return the old value', () => {
    const misaligned = run({
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'CMP_SWAP', addr: 2.5, compare: 0, swap: 1 } }],
      faults: [],
    });
    expect(delivered(misaligned)).toEqual(['1:REM_INV_REQ_ERR']);
    const outOfRange = run({
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 99, add: 1 } }],
      faults: [],
    });
    expect(delivered(outOfRange)).toEqual(['1:REM_ACCESS_ERR']);
    expect(
      of(outOfRange, 'QpState')
        .map((q) => `${q.host}:${q.to}`)
        .sort(),
    ).toEqual(['A:ERR', 'B:ERR']);
    const ok = run({
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 5 } },
        { kind: 'post', wr: { id: 2, opcode: 'CMP_SWAP', addr: 0, compare: 5, swap: 8 } },
      ],
      faults: [],
    });
    expect(of(ok, 'Deliver').map((d) => d.wc.value)).toEqual([0, 5]);
    expect(ok.end.memory.B[0]).toBe(8);
  });

  test('rule: there is no ordering across paths (a delayed path 0 lets a later WR on path 1 execute first)', () => {
    const twoPaths: FailoverLayer = {
      name: 'round-robin',
      create: (env) => {
        let next = 0;
        return {
          postSend: (wr) => void env.post(next++ % env.paths, wr),
          postRecv: () => undefined,
          onCompletion: (_p, wc) => env.deliver(wc),
        };
      },
    };
    const ex = run(
      {
        workload: [
          { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } },
          { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 0, value: 2 } },
        ],
        faults: [{ kind: 'delay', direction: 'request', path: 0, delayNs: 5_000 }],
      },
      twoPaths,
    );
    expect(of(ex, 'Execute').map((e) => e.wr)).toEqual([2, 1]);
    expect(ex.end.memory.B[0]).toBe(1);
  });

  test('rule: within one path the link is FIFO: a delayed request holds back the ones behind it', () => {
    const ex = run({
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } },
        { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 0, value: 2 } },
      ],
      faults: [{ kind: 'delay', direction: 'request', wr: 1, delayNs: 5_000 }],
    });
    expect(of(ex, 'Execute').map((e) => [e.wr, e.t])).toEqual([
      [1, 6_000],
      [2, 6_000],
    ]);
  });
});
