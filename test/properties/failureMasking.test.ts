import { properties } from '../../properties';
import type { Verdict } from '../../src/core/property';
import {
  ackLostForever,
  busyHang,
  honest,
  post,
  requestLostForever,
  resendOnError,
  run,
  swallowErrors,
  timerStorm,
} from './canaries';

const write = { id: 1, opcode: 'WRITE' as const, addr: 0, value: 5 };

describe('failure-masking', () => {
  it('catches a layer that surfaces the error although path 1 stays healthy', () => {
    const r = run({ workload: [post(write)], faults: [requestLostForever(1)] }, honest);
    const v = properties.failureMasking.check(r) as Verdict;
    expect(v).toMatchObject({ status: 'violated' });
    if (v.status === 'violated') {
      expect(v.explanation).toMatch(
        /^WR 1 \(WRITE \[0\]=5\) was completed with RETRY_EXC_ERR at t=[\d.]+us although path 1 stayed healthy/,
      );
      expect(r.trace[v.events[1]].kind).toBe('Deliver');
    }
  });

  it('catches a layer that swallows the error: the run goes quiet and the WR never completes', () => {
    const r = run({ workload: [post(write)], faults: [requestLostForever(1)] }, swallowErrors);
    expect(r.end.reason).toBe('quiescent');
    const v = properties.failureMasking.check(r) as Verdict;
    expect(v.status).toBe('violated');
    if (v.status === 'violated') expect(v.explanation).toMatch(/never completed .*the layer lost it/);
  });

  it('reports a busy hang as a violation with its trace once the liveness budget runs out', () => {
    const r = run(
      { workload: [post(write)], faults: [requestLostForever(1)], config: { livenessNs: 1_000_000 } },
      busyHang,
    );
    expect(r.end.reason).toBe('time-limit');
    const v = properties.failureMasking.check(r) as Verdict;
    expect(v.status).toBe('violated');
    if (v.status === 'violated') {
      expect(v.explanation).toMatch(
        /the layers had their whole liveness budget, 1ms after the last fault or application step \(t=[\d.]+us\).*give it more time: livenessNs in checkLayer or describeFailoverLayer, --liveness/,
      );
      expect(r.trace[v.events[v.events.length - 1]].kind).toBe('End');
    }
  });

  it('is unknown, never a pass, when the run hits the event limit first', () => {
    const r = run({ workload: [post(write)], faults: [requestLostForever(1)], config: { maxEvents: 500 } }, timerStorm);
    expect(r.end.reason).toBe('event-limit');
    expect(properties.failureMasking.check(r)).toMatchObject({ status: 'unknown' });
  });

  it('passes a layer that fails over to the healthy path', () => {
    for (const f of [requestLostForever(1), ackLostForever(1)]) {
      expect(properties.failureMasking.check(run({ workload: [post(write)], faults: [f] }, resendOnError))).toEqual({
        status: 'holds',
      });
    }
  });

  it('does not apply when no path is left: every path down for good', () => {
    const r = run({ workload: [post(write)], faults: [{ kind: 'drop-request', count: 'all' }] }, honest);
    expect(properties.failureMasking.check(r)).toEqual({ status: 'holds' });
  });

  it('applies when the broken path heals (a link flap)', () => {
    const r = run(
      {
        workload: [post(write)],
        faults: [{ kind: 'link-down', path: 0, direction: 'both', after: { on: 'start' }, upAfterNs: 500_000 }],
        config: { paths: 1 },
      },
      honest,
    );
    expect(properties.failureMasking.check(r)).toMatchObject({ status: 'violated' });
  });
});
