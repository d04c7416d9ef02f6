import { properties } from '../../properties';
import { linearize } from '../../properties/support/wgl';
import type { HistoryOp } from '../../properties/support/wgl';
import type { Verdict } from '../../src/core/property';
import { ackLostForever, corruptingWriter, honest, post, requestLostForever, resendOnError, run } from './canaries';

const check = (r: ReturnType<typeof run>) => properties.linearizability.check(r) as Verdict;
const op = (o: Partial<HistoryOp> & Pick<HistoryOp, 'op' | 'call'>): HistoryOp => ({
  label: () => 'op',
  events: [],
  ...o,
});

describe('the Wing-Gong/Lowe search', () => {
  it('finds an order for overlapping operations', () => {
    const h = [
      op({ op: { kind: 'write', value: 1 }, call: 0, ret: 5 }),
      op({ op: { kind: 'read' }, call: 1, ret: 2, result: 1 }),
    ];
    expect(linearize(h, 0, { maxNodes: 1000 }).outcome).toBe('linearizable');
  });

  it('respects real time: a read that returned before the write began cannot see it', () => {
    const h = [
      op({ op: { kind: 'read' }, call: 0, ret: 1, result: 1 }),
      op({ op: { kind: 'write', value: 1 }, call: 2, ret: 3 }),
    ];
    expect(linearize(h, 0, { maxNodes: 1000 }).outcome).toBe('not-linearizable');
  });

  it('treats an operation without response as indeterminate: it may or may not have happened', () => {
    const took = [
      op({ op: { kind: 'fadd', add: 1 }, call: 0 }),
      op({ op: { kind: 'read' }, call: 5, ret: 6, result: 1 }),
    ];
    const didNot = [
      op({ op: { kind: 'fadd', add: 1 }, call: 0 }),
      op({ op: { kind: 'read' }, call: 5, ret: 6, result: 0 }),
    ];
    const twice = [
      op({ op: { kind: 'fadd', add: 1 }, call: 0 }),
      op({ op: { kind: 'read' }, call: 5, ret: 6, result: 2 }),
    ];
    expect(linearize(took, 0, { maxNodes: 1000 }).outcome).toBe('linearizable');
    expect(linearize(didNot, 0, { maxNodes: 1000 }).outcome).toBe('linearizable');
    expect(linearize(twice, 0, { maxNodes: 1000 }).outcome).toBe('not-linearizable');
  });

  it('says unknown, never linearizable, when the node limit is hit', () => {
    const h = Array.from({ length: 12 }, (_, k) => op({ op: { kind: 'fadd', add: 1 }, call: 0, ret: 100, result: k }));
    h.push(op({ op: { kind: 'read' }, call: 200, ret: 201, result: 999 }));
    expect(linearize(h, 0, { maxNodes: 50 }).outcome).toBe('unknown');
  });
});

describe('linearizability', () => {
  it("catches the paper's T2: the receiver consumed and reused the word, then the stale WRITE executed again", () => {
    const r = run(
      {
        workload: [
          post({ id: 1, opcode: 'WRITE', addr: 0, value: 1 }),
          { kind: 'reuse', addr: 0, expect: 1, value: 7 },
        ],
        faults: [ackLostForever(1)],
      },
      resendOnError,
    );
    const v = check(r);
    expect(v.status).toBe('violated');
    if (v.status !== 'violated') return;
    expect(v.explanation).toMatch(
      /B's application consumed B\[0\] and reused it \(:= 7\) at t=[\d.]+us, then A's WR 1 \(WRITE\) executed again via path 1/,
    );
    expect(v.explanation).toMatch(/write after reuse, the paper's T2/);
    expect(v.events.map((i) => r.trace[i].kind)).toEqual(
      expect.arrayContaining(['AppConsume', 'AppReuse', 'Execute', 'End']),
    );
  });

  it('catches the FADD double count from the final memory', () => {
    const v = check(
      run(
        { workload: [post({ id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 })], faults: [ackLostForever(1)] },
        resendOnError,
      ),
    );
    expect(v.status === 'violated' && v.explanation).toMatch(
      /WR 1 \(FETCH_ADD \[0\] \+1\) executed twice at B.*ends at 2/,
    );
  });

  it('catches CAS double success under ABA: the third party resets the word between the two executions', () => {
    const v = check(
      run(
        {
          workload: [
            post({ id: 1, opcode: 'CMP_SWAP', addr: 0, compare: 0, swap: 1 }),
            { kind: 'third', op: 'CMP_SWAP', addr: 0, compare: 1, swap: 0, after: { on: 'execute', wr: 1 } },
          ],
          faults: [ackLostForever(1)],
        },
        resendOnError,
      ),
    );
    expect(v.status).toBe('violated');
  });

  it('catches a layer that writes a value no operation wrote (only the final read shows it)', () => {
    const r = run({ workload: [post({ id: 1, opcode: 'WRITE', addr: 0, value: 3 })], faults: [] }, corruptingWriter);
    expect(properties.completionFidelity.check(r)).toEqual({ status: 'holds' });
    expect(check(r).status).toBe('violated');
  });

  it('passes a correct layer with concurrent third-party operations and error completions', () => {
    const r = run(
      {
        workload: [
          post({ id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 }),
          post({ id: 2, opcode: 'CMP_SWAP', addr: 0, compare: 1, swap: 5 }),
          post({ id: 3, opcode: 'READ', addr: 0 }),
          { kind: 'third', op: 'FETCH_ADD', addr: 0, add: 10, after: { on: 'execute', wr: 1 } },
        ],
        faults: [requestLostForever(3)],
      },
      honest,
    );
    expect(check(r)).toEqual({ status: 'holds' });
  });

  it('passes when a retry re-executes only what never executed (request lost)', () => {
    const r = run(
      {
        workload: [
          post({ id: 1, opcode: 'WRITE', addr: 0, value: 1 }),
          { kind: 'reuse', addr: 0, expect: 1, value: 7 },
        ],
        faults: [requestLostForever(1)],
      },
      resendOnError,
    );
    expect(check(r)).toEqual({ status: 'holds' });
  });
});
