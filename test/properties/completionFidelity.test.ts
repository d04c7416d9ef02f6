import { properties } from '../../properties';
import type { Verdict } from '../../src/core/property';
import {
  doubleDeliver,
  earlySuccess,
  honest,
  post,
  recv,
  requestLostForever,
  run,
  swallowErrors,
  valueLiar,
} from './canaries';

const check = (r: ReturnType<typeof run>) => properties.completionFidelity.check(r) as Verdict;
const explanation = (v: Verdict) => (v.status === 'violated' ? v.explanation : `not violated: ${JSON.stringify(v)}`);

describe('completion-fidelity', () => {
  it('catches a layer that lies about the atomic old value', () => {
    const v = check(run({ workload: [post({ id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 })], faults: [] }, valueLiar));
    expect(explanation(v)).toMatch(
      /^WR 1 \(FETCH_ADD \[0\] \+1\) returned 1 at t=[\d.]+us, but its execution at B found the old value 0/,
    );
  });

  it('catches a layer that lies about READ data', () => {
    const v = check(run({ workload: [post({ id: 1, opcode: 'READ', addr: 0 })], faults: [] }, valueLiar));
    expect(explanation(v)).toMatch(/WR 1 \(READ \[0\]\) returned 1 .* read 0/);
  });

  it('catches SUCCESS reported before the effect', () => {
    const v = check(run({ workload: [post({ id: 1, opcode: 'WRITE', addr: 0, value: 3 })], faults: [] }, earlySuccess));
    expect(explanation(v)).toMatch(/reported SUCCESS at t=0ns before it took effect at B/);
  });

  it('catches SUCCESS for a WR that never took effect', () => {
    const v = check(
      run(
        { workload: [post({ id: 1, opcode: 'WRITE', addr: 0, value: 3 })], faults: [requestLostForever(1)] },
        earlySuccess,
      ),
    );
    expect(explanation(v)).toMatch(/reported SUCCESS at t=0ns but never took effect at B/);
  });

  it('catches a second completion of the same WR, and of the same RECV', () => {
    const v = check(
      run({ workload: [recv(1), post({ id: 1, opcode: 'SEND', value: 101 })], faults: [] }, doubleDeliver),
    );
    expect(explanation(v)).toMatch(/(WR 1 \(SEND 101\)|RECV 1) was completed 2 times/);
  });

  it('catches a WR that never completes', () => {
    const v = check(
      run(
        { workload: [post({ id: 1, opcode: 'WRITE', addr: 0, value: 3 })], faults: [requestLostForever(1)] },
        swallowErrors,
      ),
    );
    expect(explanation(v)).toMatch(/WR 1 \(WRITE \[0\]=3\) never completed/);
  });

  it("does not count a SEND beyond the RECVs the application posted as missing: with rnr_retry 7 it never completes, by the application's doing", () => {
    const r = run(
      { config: { rnrRetry: 7 }, workload: [post({ id: 1, opcode: 'SEND', value: 101 })], faults: [] },
      honest,
    );
    expect(r.trace.some((e) => e.kind === 'Deliver')).toBe(false);
    expect(check(r)).toEqual({ status: 'holds' });
  });

  it('treats error completions as indeterminate: a failed WR that did execute is fine', () => {
    const r = run(
      {
        workload: [post({ id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 })],
        faults: [{ kind: 'drop-response', path: 0, wr: 1, count: 'all' }],
      },
      honest,
    );
    expect(r.trace.some((e) => e.kind === 'Deliver' && e.wc.status === 'RETRY_EXC_ERR')).toBe(true);
    expect(check(r)).toEqual({ status: 'holds' });
  });

  it('passes a correct layer: one completion each, values as executed, RECV payloads as sent', () => {
    const r = run(
      {
        workload: [
          recv(1),
          post({ id: 1, opcode: 'WRITE', addr: 0, value: 3 }),
          post({ id: 2, opcode: 'FETCH_ADD', addr: 0, add: 2 }),
          post({ id: 3, opcode: 'READ', addr: 0 }),
          post({ id: 4, opcode: 'SEND', value: 104 }),
        ],
        faults: [],
      },
      honest,
    );
    expect(check(r)).toEqual({ status: 'holds' });
  });
});
