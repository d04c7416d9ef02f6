/**
 * Reconnecting as real RC does it, one end at a time (verbs-semantics.md "Queue pairs" and
 * "Transport"; Linux rxe: rxe_qp.c, rxe_resp.c, rxe_comp.c). env.reset(path, { sqPsn, rqPsn })
 * resets THIS end only; the peer's QP keeps expecting its old PSN until its own layer resets it,
 * because the receive PSN is set only on INIT -> RTR. PSNs are 24-bit and wrap. A packet from
 * before a reset carries nothing but its PSN, so it meets the same rules as any other.
 */
import type { FailoverLayer, LayerEnv } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import type { SendWr } from '../../src/core/verbs';
import { delivered, executions, of, run } from './helpers';

/** Something a host's layer does at a fixed virtual time, or when the peer's control message arrives. */
interface Action {
  host: 'A' | 'B';
  atNs?: number;
  onControl?: string;
  act: (env: LayerEnv) => void;
}

/**
 * A test layer: every host posts its application's WRs and RECVs on path 0 and delivers what
 * completes there; on top of that it runs `actions` (resets, moves to ERR, control messages).
 */
function scripted(name: string, actions: Action[]): FailoverLayer {
  return {
    name,
    create(env) {
      const mine = actions.filter((a) => a.host === env.host);
      mine.forEach((a, k) => a.atNs !== undefined && env.setTimer(a.atNs, `act${k}`));
      return {
        postSend: (wr) => void env.post(0, wr),
        postRecv: (wr) => void env.postRecv(0, wr),
        // Completions of WRs the layer invented (negative ids) are the layer's own.
        onCompletion: (_p, wc) => (wc.wrId >= 0 ? env.deliver(wc) : undefined),
        onTimer: (token) => mine[Number(token.slice(3))]?.act(env),
        onControl: (msg) => mine.filter((a) => a.onControl === msg).forEach((a) => a.act(env)),
      };
    },
  };
}

const write = (id: number, addr: number, value: number): SendWr => ({ id, opcode: 'WRITE', addr, value });
/** A's WR `id` posted at `atNs`. */
const postAt = (wr: SendWr, atNs: number): Scenario['workload'][number] => ({
  kind: 'post',
  wr,
  after: { on: 'at', atNs },
});

describe('reset is one-ended (rxe_qp.c rxe_qp_from_attr: rq_psn is set only with IB_QP_RQ_PSN, on INIT -> RTR)', () => {
  test("rule: a one-sided reset leaves the peer's QP untouched, still expecting its old PSN", () => {
    const ex = run(
      {
        workload: [
          { kind: 'post', wr: write(1, 0, 1) },
          { kind: 'recv', wr: { id: 1 } },
          postAt(write(2, 1, 2), 50_000),
        ],
        faults: [],
      },
      scripted('a-resets-alone', [{ host: 'A', atNs: 20_000, act: (env) => env.reset(0) }]),
    );
    expect(of(ex, 'Reset')).toMatchObject([{ host: 'A', path: 0, sqPsn: 0, rqPsn: 0 }]);
    // Only A's QP went through RESET; B's has no state change and keeps its posted RECV.
    expect(of(ex, 'QpState').map((q) => `${q.host}:${q.to}`)).toEqual(['A:RESET', 'A:INIT', 'A:RTR', 'A:RTS']);
    expect(delivered(ex, 'B')).toEqual([]);
    // B expected PSN 1; A's next request restarts at PSN 0: behind the expected PSN.
    const second = of(ex, 'Receive').find((r) => r.wr === 2)!;
    expect(second).toMatchObject({ psn: 0, duplicate: true });
  });

  test('rule: a restarted PSN the peer has passed is a duplicate there: ACKed, not executed, and the new WR completes SUCCESS without ever running (rxe_resp.c check_psn, duplicate_request: "Ack again", C9-105)', () => {
    const ex = run(
      {
        workload: [{ kind: 'post', wr: write(1, 0, 1) }, postAt(write(2, 1, 2), 50_000)],
        faults: [],
      },
      scripted('a-resets-alone', [{ host: 'A', atNs: 20_000, act: (env) => env.reset(0) }]),
    );
    expect(delivered(ex)).toEqual(['1:SUCCESS', '2:SUCCESS']);
    expect(executions(ex, 2)).toBe(0);
    expect(ex.end.memory.B[1]).toBe(0);
    expect(of(ex, 'Receive').find((r) => r.wr === 2)).toMatchObject({
      duplicate: true,
      note: 'duplicate: ACKed again, not executed',
    });
  });

  test('rule: a restarted PSN ahead of what the peer expects is out of sequence: one NAK (PSN sequence error), never executed, the requester ends in RETRY_EXC_ERR (rxe_resp.c check_psn: RESPST_ERR_PSN_OUT_OF_SEQ once per gap, sent_psn_nak)', () => {
    const ex = run(
      {
        config: { retryCnt: 1 },
        workload: [{ kind: 'post', wr: write(1, 0, 1) }, postAt(write(2, 1, 2), 50_000)],
        faults: [],
      },
      scripted('a-resets-ahead', [{ host: 'A', atNs: 20_000, act: (env) => env.reset(0, { sqPsn: 5 }) }]),
    );
    expect(of(ex, 'Send').filter((s) => s.wr === 2 && !s.retransmit)).toMatchObject([{ psn: 5 }]);
    // B answers with the PSN it expects (1): no PSN A is waiting for, so A retransmits on its timer.
    expect(of(ex, 'Ack').filter((a) => a.nak === 'SEQ')).toMatchObject([{ host: 'A', psn: 1 }]);
    expect(
      of(ex, 'Receive')
        .filter((r) => r.wr === 2)
        .map((r) => r.note),
    ).toEqual(['out of sequence: expected PSN 1', 'out of sequence: expected PSN 1']);
    expect(executions(ex, 2)).toBe(0);
    expect(delivered(ex)).toEqual(['1:SUCCESS', '2:RETRY_EXC_ERR']);
  });

  test('rule: a reset discards the posted RECVs and send WQEs of its own end without completions (rxe_qp.c rxe_qp_reset: the queues are emptied, no CQE)', () => {
    const ex = run(
      {
        workload: [
          { kind: 'recv', wr: { id: 1 } },
          { kind: 'recv', wr: { id: 2 } },
          // B's own WRITE to A's memory, stuck behind a dead link when B resets.
          { kind: 'post', host: 'B', wr: write(1, 0, 9) },
          postAt({ id: 1, opcode: 'SEND', value: 5 }, 30_000),
        ],
        faults: [{ kind: 'link-down', path: 0, direction: 'b-to-a', after: { on: 'start' }, upAfterNs: 20_000 }],
      },
      scripted('b-resets', [
        { host: 'B', atNs: 10_000, act: (env) => env.reset(0) },
        { host: 'A', atNs: 10_000, act: (env) => env.reset(0) },
      ]),
    );
    const bCompletions = of(ex, 'Completion').filter((c) => c.host === 'B');
    expect(bCompletions.filter((c) => c.t < 30_000)).toEqual([]);
    expect(ex.end.memory.A[0]).toBe(0);
    // With B's RECVs gone, A's SEND on the reconnected path finds none: RNR, then RNR_RETRY_EXC_ERR.
    expect(of(ex, 'Ack').some((a) => a.nak === 'RNR')).toBe(true);
    expect(delivered(ex)).toEqual(['1:RNR_RETRY_EXC_ERR']);
  });

  test('rule: once both ends are reset with mirrored PSNs the connection works again and has no memory of what the old one executed (rxe_qp_reset clears the responder resources)', () => {
    // A's FETCH_ADD executes, its response is lost; A asks B (control) to reset, B does and
    // answers, A resets and re-posts: on the new connection it executes again.
    const layer: FailoverLayer = {
      name: 'coordinated-reset',
      create(env) {
        const wrs = new Map<number, SendWr>();
        return {
          postSend: (wr) => (wrs.set(wr.id, wr), void env.post(0, wr)),
          postRecv: (wr) => void env.postRecv(0, wr),
          onCompletion: (_p, wc) => {
            if (wc.status === 'SUCCESS' || !wrs.has(wc.wrId)) return env.deliver(wc);
            env.sendControl({ resetPath: 0, wr: wc.wrId });
          },
          onControl: (msg) => {
            const m = msg as { resetPath?: number; done?: number; wr: number };
            if (m.resetPath !== undefined) {
              env.reset(m.resetPath);
              env.sendControl({ done: m.resetPath, wr: m.wr });
            } else if (m.done !== undefined) {
              env.reset(m.done);
              env.post(m.done, wrs.get(m.wr)!);
            }
          },
        };
      },
    };
    const ex = run(
      {
        config: { retryCnt: 0 },
        workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } }],
        faults: [{ kind: 'drop-response', wr: 1 }],
      },
      layer,
    );
    expect(of(ex, 'Reset').map((r) => r.host)).toEqual(['B', 'A']);
    expect(executions(ex, 1)).toBe(2); // the new connection's atomic cache is empty: executed again
    expect(ex.end.memory.B[0]).toBe(2);
    expect(delivered(ex)).toEqual(['1:SUCCESS']);
  });
});

describe('24-bit PSNs and explicit initial PSNs', () => {
  /** Both ends reset path 0 at `atNs`: A sends from `psn` and B expects it (and the reverse). */
  const bothReset = (psn: number, atNs = 1_000): Action[] => [
    { host: 'A', atNs, act: (env) => env.reset(0, { sqPsn: psn, rqPsn: psn }) },
    { host: 'B', atNs, act: (env) => env.reset(0, { sqPsn: psn, rqPsn: psn }) },
  ];

  test('rule: PSNs are 24-bit and wrap from 2^24 - 1 to 0, in order, a retransmission across the wrap still a duplicate (IBTA BTH:PSN; rxe_resp.c execute: psn + 1 & BTH_PSN_MASK; psn_compare)', () => {
    // WR 2 is a READ at PSN 2^24 - 1 whose data is lost: the ACK of PSN 0 implies the loss, and
    // go-back-N retransmits what is still unacknowledged after the wrap (PSNs 2^24 - 1 and 1),
    // which B recognises as duplicates.
    const wrs: SendWr[] = [write(1, 1, 11), { id: 2, opcode: 'READ', addr: 1 }, write(3, 3, 13), write(4, 4, 14)];
    const ex = run(
      { workload: wrs.map((wr) => postAt(wr, 5_000)), faults: [{ kind: 'drop-response', wr: 2 }] },
      scripted('wrap', bothReset(0xfffffe)),
    );
    expect(
      of(ex, 'Send')
        .filter((s) => !s.retransmit)
        .map((s) => s.psn),
    ).toEqual([0xfffffe, 0xffffff, 0, 1]);
    expect(
      of(ex, 'Send')
        .filter((s) => s.retransmit)
        .map((s) => s.psn),
    ).toEqual([0xffffff, 1]);
    expect(
      of(ex, 'Receive')
        .filter((r) => r.duplicate)
        .map((r) => r.psn),
    ).toEqual([0xffffff, 1]);
    expect(delivered(ex)).toEqual(['1:SUCCESS', '2:SUCCESS', '3:SUCCESS', '4:SUCCESS']);
    expect(of(ex, 'Deliver')[1].wc.value).toBe(11);
    expect([1, 3, 4].map((id) => executions(ex, id))).toEqual([1, 1, 1]);
    expect([ex.end.memory.B[1], ex.end.memory.B[3], ex.end.memory.B[4]]).toEqual([11, 13, 14]);
  });

  test('rule: the initial PSNs are chosen explicitly, recorded in the trace, and used: each end sends from its sqPsn and expects its rqPsn (ibv_modify_qp: rq_psn at RTR, sq_psn at RTS)', () => {
    const ex = run(
      {
        workload: [
          postAt(write(1, 0, 7), 5_000),
          { kind: 'post', host: 'B', wr: write(1, 2, 8), after: { on: 'at', atNs: 5_000 } },
        ],
        faults: [],
      },
      scripted('explicit-psns', [
        { host: 'A', atNs: 1_000, act: (env) => env.reset(0, { sqPsn: 100, rqPsn: 200 }) },
        { host: 'B', atNs: 1_000, act: (env) => env.reset(0, { sqPsn: 200, rqPsn: 100 }) },
      ]),
    );
    expect(of(ex, 'Reset').map((r) => [r.host, r.sqPsn, r.rqPsn])).toEqual([
      ['A', 100, 200],
      ['B', 200, 100],
    ]);
    expect(of(ex, 'Send').map((s) => [s.host, s.psn])).toEqual([
      ['A', 100],
      ['B', 200],
    ]);
    expect([delivered(ex, 'A'), delivered(ex, 'B')]).toEqual([['1:SUCCESS'], ['1:SUCCESS']]);
    expect([ex.end.memory.B[0], ex.end.memory.A[2]]).toEqual([7, 8]);
  });
});

describe('moving a QP to ERR is not a reset (ibv_modify_qp(3) to IBV_QPS_ERR; rxe_qp.c rxe_qp_error: the queues are flushed)', () => {
  test('rule: env.moveToError completes every outstanding send WQE and posted RECV of that QP with WR_FLUSH_ERR, in order', () => {
    const ex = run(
      {
        workload: [
          { kind: 'recv', host: 'A', wr: { id: 1 } },
          { kind: 'recv', host: 'A', wr: { id: 2 } },
          { kind: 'post', wr: write(1, 0, 1) },
          { kind: 'post', wr: write(2, 1, 2) },
        ],
        faults: [{ kind: 'link-down', path: 0, direction: 'a-to-b', after: { on: 'start' } }],
      },
      scripted('a-moves-to-err', [{ host: 'A', atNs: 10_000, act: (env) => env.moveToError(0) }]),
    );
    expect(of(ex, 'MoveToError')).toMatchObject([{ host: 'A', path: 0, t: 10_000 }]);
    expect(of(ex, 'QpState')).toMatchObject([
      { host: 'A', from: 'RTS', to: 'ERR', reason: 'moved to ERR by the layer' },
    ]);
    expect(delivered(ex)).toEqual(['1:WR_FLUSH_ERR', '2:WR_FLUSH_ERR', '1:WR_FLUSH_ERR', '2:WR_FLUSH_ERR']);
    expect(of(ex, 'Deliver').map((d) => d.wc.opcode)).toEqual(['WRITE', 'WRITE', 'RECV', 'RECV']);
  });

  test('rule: the peer of a QP moved to ERR is not told: its requests are dropped there and end in RETRY_EXC_ERR', () => {
    const ex = run(
      { config: { retryCnt: 1 }, workload: [postAt(write(1, 0, 1), 20_000)], faults: [] },
      scripted('b-moves-to-err', [{ host: 'B', atNs: 10_000, act: (env) => env.moveToError(0) }]),
    );
    expect(of(ex, 'PacketLost').map((p) => p.reason)).toEqual(["B's QP 0 is in ERR", "B's QP 0 is in ERR"]);
    expect(delivered(ex)).toEqual(['1:RETRY_EXC_ERR']);
  });
});

describe('a packet from before a reset is judged by its PSN alone (no connection epoch on the wire)', () => {
  /** A's WRITE 1 is delayed on the wire; B resets path 0 with `rqPsn` before it arrives. */
  const lateRequest = (rqPsn: number) =>
    run(
      {
        workload: [{ kind: 'post', wr: write(1, 0, 1) }],
        faults: [{ kind: 'delay', direction: 'request', delayNs: 40_000, wr: 1 }],
      },
      scripted('b-resets-under-a-late-request', [{ host: 'B', atNs: 10_000, act: (env) => env.reset(0, { rqPsn }) }]),
    );

  test('rule: a late request whose PSN is the one the reset end now expects is executed, as new', () => {
    const ex = lateRequest(0);
    expect(executions(ex, 1)).toBe(1);
    expect(delivered(ex)).toEqual(['1:SUCCESS']);
  });

  test('rule: a late request whose PSN the reset end has passed is a duplicate: ACKed, never executed, yet its WR completes SUCCESS', () => {
    const ex = lateRequest(1_000);
    expect(executions(ex, 1)).toBe(0);
    expect(ex.end.memory.B[0]).toBe(0);
    expect(delivered(ex)).toEqual(['1:SUCCESS']);
  });

  test('rule: a late response whose PSN falls in the new window completes the WQE now holding that PSN, which never ran (rxe_comp.c check_psn)', () => {
    // WRITE 1's ACK (PSN 0) is delayed; A resets and posts WRITE 2, again at PSN 0, whose request
    // is lost: the old ACK completes WRITE 2.
    const ex = run(
      {
        workload: [{ kind: 'post', wr: write(1, 0, 1) }, postAt(write(2, 1, 2), 10_000)],
        faults: [
          { kind: 'delay', direction: 'response', delayNs: 40_000, wr: 1 },
          { kind: 'drop-request', wr: 2 },
        ],
      },
      scripted('a-resets-under-a-late-ack', [{ host: 'A', atNs: 5_000, act: (env) => env.reset(0) }]),
    );
    expect(of(ex, 'Ack')).toMatchObject([{ host: 'A', psn: 0, wr: 2 }]);
    expect(delivered(ex)).toEqual(['2:SUCCESS']);
    expect(executions(ex, 2)).toBe(0);
  });

  test('rule: a response for no PSN the requester awaits is a ghost and dropped: a sequence NAK for a PSN behind the window retransmits nothing, the timer does (IBTA 9.9.2.4)', () => {
    const ex = run(
      {
        config: { retryCnt: 1 },
        workload: [{ kind: 'post', wr: write(1, 0, 1) }, postAt(write(2, 1, 2), 50_000)],
        faults: [],
      },
      scripted('a-resets-ahead', [{ host: 'A', atNs: 20_000, act: (env) => env.reset(0, { sqPsn: 5 }) }]),
    );
    const nak = of(ex, 'Ack').find((a) => a.nak === 'SEQ')!;
    const retransmit = of(ex, 'Send').find((s) => s.wr === 2 && s.retransmit)!;
    const timeout = of(ex, 'Timeout').find((t) => t.wr === 2)!;
    expect(nak.t).toBeLessThan(timeout.t);
    expect(retransmit.i).toBeGreaterThan(timeout.i);
  });
});
