import { properties } from '../../properties';
import type { Verdict } from '../../src/core/property';
import { ackLostForever, honest, post, recv, requestLostForever, resendOnError, run } from './canaries';

const fadd = { id: 1, opcode: 'FETCH_ADD' as const, addr: 0, add: 1 };

function violated(v: Verdict): Extract<Verdict, { status: 'violated' }> {
  if (v.status !== 'violated') throw new Error(`expected a violation, got ${JSON.stringify(v)}`);
  return v;
}

describe('at-most-once', () => {
  it('catches the double-FADD canary: the ACK is lost, the layer re-posts on path 1, B executes twice', () => {
    const r = run({ workload: [post(fadd)], faults: [ackLostForever(1)] }, resendOnError);
    const v = violated(properties.atMostOnce.check(r) as Verdict);
    expect(v.explanation).toMatch(
      /^WR 1 \(FETCH_ADD \[0\] \+1\) executed twice at B: via path 0 at t=[\d.]+us and via path 1 at t=[\d.]+us; the ACK of the first execution was lost\.$/,
    );
    const kinds = v.events.map((i) => r.trace[i].kind);
    expect(kinds).toEqual(expect.arrayContaining(['AppPostSend', 'Execute', 'AckLost']));
    expect(kinds.filter((k) => k === 'Execute')).toHaveLength(2);
  });

  it('holds when the request (not the ACK) was lost: the re-post is the only execution', () => {
    const r = run({ workload: [post(fadd)], faults: [requestLostForever(1)] }, resendOnError);
    expect(properties.atMostOnce.check(r)).toEqual({ status: 'holds' });
  });

  it('does not count a PSN duplicate inside one QP as a second effect', () => {
    // One lost ACK, then the transport retransmits on the same QP: the responder answers from its cache.
    const r = run({ workload: [post(fadd)], faults: [{ kind: 'drop-response', path: 0, wr: 1, count: 1 }] }, honest);
    expect(r.trace.some((e) => e.kind === 'Receive' && e.duplicate)).toBe(true);
    expect(properties.atMostOnce.check(r)).toEqual({ status: 'holds' });
  });

  it('catches a SEND retried after its ACK was lost (the message is received twice)', () => {
    const r = run(
      { workload: [recv(1), recv(2), post({ id: 1, opcode: 'SEND', value: 101 })], faults: [ackLostForever(1)] },
      resendOnError,
    );
    expect(violated(properties.atMostOnce.check(r) as Verdict).explanation).toMatch(
      /WR 1 \(SEND 101\) executed twice at B/,
    );
  });

  it('passes a correct layer under the same faults', () => {
    for (const f of [ackLostForever(1), requestLostForever(1)]) {
      expect(properties.atMostOnce.check(run({ workload: [post(fadd)], faults: [f] }, honest))).toEqual({
        status: 'holds',
      });
    }
  });
});

describe('at-most-once and CMP_SWAP', () => {
  const cas = { id: 1, opcode: 'CMP_SWAP' as const, addr: 0, compare: 0, swap: 1 };

  it('does not count a re-executed CAS whose compare failed: it took no effect', () => {
    const r = run({ workload: [post(cas)], faults: [ackLostForever(1)] }, resendOnError);
    expect(r.trace.filter((e) => e.kind === 'Execute' && e.wr === 1)).toHaveLength(2);
    expect(properties.atMostOnce.check(r)).toEqual({ status: 'holds' });
  });

  it('catches CAS double success under ABA: a third party swaps the word back between the two executions', () => {
    const r = run(
      {
        workload: [
          post(cas),
          { kind: 'third', op: 'CMP_SWAP', addr: 0, compare: 1, swap: 0, after: { on: 'execute', wr: 1 } },
        ],
        faults: [ackLostForever(1)],
      },
      resendOnError,
    );
    expect(violated(properties.atMostOnce.check(r) as Verdict).explanation).toMatch(
      /^WR 1 \(CMP_SWAP \[0\] 0->1\) succeeded twice at B/,
    );
  });
});
