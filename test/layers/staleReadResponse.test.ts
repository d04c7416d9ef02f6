/**
 * The transparent layers' linearizability [READ] (resend-all, read-verify, timer-hedge): a READ
 * completed by the late response of an earlier READ at the same PSN returns another word's value.
 * The default audit (seed 1) reaches it through the generator's stale READ response
 * (src/check/staleResponse.ts); 200 runs at seeds 2, 5 and 6 (resend-all, read-verify) or 5 and 6
 * (timer-hedge) do not (npm run audit:sweep: "not reached by this search"). These are the shrunk
 * counterexamples of seed 1, so the defect stays shown whatever the generator reaches.
 */
import { properties } from '../../properties';
import { layers } from '../../src/layers';
import type { Scenario } from '../../src/core/scenario';
import { of, run } from './helpers';

const quick = { paths: 2, retryCnt: 0, rnrRetry: 0, livenessNs: 5_000_000 };

/** What each READ of A's application was told it read. */
function readValues(ex: ReturnType<typeof run>): string[] {
  return of(ex, 'Deliver')
    .filter((e) => e.host === 'A' && e.wc.opcode === 'READ')
    .map((e) => `${e.wc.wrId}:${e.wc.status}=${e.wc.value}`);
}

describe('a READ completed by an earlier READ late response', () => {
  /** Seed 1 (resend-all run 157, read-verify run 157): READ 1's response delayed 129 us. */
  const lateResponse: Partial<Scenario> = {
    config: { ...quick, timeout: 5 },
    workload: [
      { kind: 'post', wr: { id: 1, opcode: 'READ', addr: 2 } },
      { kind: 'post', wr: { id: 2, opcode: 'READ', addr: 0 }, after: { on: 'deliver', wr: 1 } },
      { kind: 'third', op: 'WRITE', addr: 2, value: 1 },
    ],
    faults: [{ kind: 'delay', direction: 'response', delayNs: 129_073, wr: 1, count: 'all' }],
  };

  it.each(['resendAll', 'readVerify'])(
    "%s: READ 1 is re-posted on the backup; back on path 0 (reset at A's end only) READ 2 of word 0 reuses READ 1's PSN, B drops it as a duplicate, and READ 1's late response (word 2, which C set to 1) completes it (linearizability [READ])",
    (name) => {
      const ex = run(layers[name as keyof typeof layers], lateResponse);
      expect(readValues(ex)).toContain('2:SUCCESS=1');
      expect(properties.linearizability.check(ex)).toMatchObject({ status: 'violated' });
    },
  );

  it("timerHedge: READ 3 of word 1, re-posted on path 0 at PSN 0 (reset at A's end only), is dropped by B as a duplicate and completed by the late response of READ 1 (word 0): it returns 0 after C set word 1 to 1 (linearizability [READ], seed 1 run 70)", () => {
    const ex = run(layers.timerHedge, {
      config: { ...quick, timeout: 1 },
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'READ', addr: 0 } },
        { kind: 'post', wr: { id: 2, opcode: 'READ', addr: 1 } },
        { kind: 'post', wr: { id: 3, opcode: 'READ', addr: 1 }, after: { on: 'execute', wr: 2 } },
        { kind: 'third', op: 'WRITE', addr: 1, value: 1 },
      ],
      faults: [{ kind: 'delay', direction: 'request', delayNs: 14_385, wr: 1, count: 'all' }],
    });
    expect(readValues(ex)).toEqual(['1:RETRY_EXC_ERR=undefined', '2:WR_FLUSH_ERR=undefined', '3:SUCCESS=0']);
    expect(properties.linearizability.check(ex)).toMatchObject({ status: 'violated' });
  });
});
