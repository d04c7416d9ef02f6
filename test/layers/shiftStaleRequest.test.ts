/**
 * SHIFT's one-ended, PSN-0 resets (src/layers/shiftAudit.ts, staleRequestViolations and
 * resetRareDefects): the defects other seeds' audits reach and seed 1's does not (npm run
 * audit:sweep), each pinned by the shrunk counterexample of the seed and run its documentation
 * names, and the queue sliding seed 1 reaches and seed 3 does not. Every scenario has a request of the failed default QP still in flight
 * when an end of that QP is reset to PSN 0: the reset QP takes it as new.
 */
import { properties } from '../../properties';
import { layers } from '../../src/layers';
import type { Scenario } from '../../src/core/scenario';
import { executions, memoryB, recvDeliveries, run, sendDeliveries } from './helpers';

const quick = { paths: 2, rnrRetry: 0, livenessNs: 5_000_000 };

describe('a request of the failed default QP executed by the follower reset end', () => {
  /** Seed 2, WRITE_WITH_IMM run 37: the request delayed one ns past the single try's timeout. */
  const writeImmThenReuse: Partial<Scenario> = {
    config: { ...quick, retryCnt: 0, timeout: 1 },
    workload: [
      { kind: 'post', wr: { id: 1, opcode: 'WRITE_WITH_IMM', addr: 1, value: 3, imm: 1 } },
      { kind: 'reuse', addr: 1, expect: 3, value: 18 },
    ],
    faults: [{ kind: 'delay', direction: 'request', delayNs: 8193, path: 0, wr: 1, count: 1 }],
  };

  it.each(['shift', 'shiftNoAtomicAbort', 'shiftNoFence'])(
    '%s: the late WRITE_WITH_IMM lands at the reset end, the receiver reuses the word, and the leader re-sends it on the backup over the reuse (linearizability [WRITE_WITH_IMM], T2)',
    (name) => {
      const ex = run(layers[name as keyof typeof layers], writeImmThenReuse);
      expect(executions(ex, 1)).toBe(2);
      expect(memoryB(ex)[1]).toBe(3);
      expect(properties.linearizability.check(ex)).toMatchObject({ status: 'violated' });
    },
  );

  /** Seed 5, FETCH_ADD run 130: both copies (original and retransmission) delayed 4.19 ms. */
  const delayedAtomic: Partial<Scenario> = {
    config: { ...quick, retryCnt: 1, timeout: 9 },
    workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } }],
    faults: [{ kind: 'delay', direction: 'request', delayNs: 4_192_304, path: 0, wr: 1, count: 2 }],
  };

  it.each(['shift', 'shiftNoFence'])(
    '%s: the atomic abort returns the error, yet the retransmitted FETCH_ADD, still in flight, executes a second time at the reset end (at-most-once [FETCH_ADD])',
    (name) => {
      const ex = run(layers[name as keyof typeof layers], delayedAtomic);
      expect(sendDeliveries(ex)).toEqual(['1:RETRY_EXC_ERR']);
      expect(executions(ex, 1)).toBe(2);
      expect(memoryB(ex)[0]).toBe(2);
      expect(properties.atMostOnce.check(ex)).toMatchObject({ status: 'violated' });
    },
  );

  it("shiftNoHandshake: the follower resets its end at once on its own responder error (a WR to a bad address), and the requester's retransmission of the FETCH_ADD before it executes again there (at-most-once [FETCH_ADD], seed 4 run 86)", () => {
    const ex = run(layers.shiftNoHandshake, {
      config: { ...quick, retryCnt: 1, timeout: 1 },
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 2, add: 1 } },
        { kind: 'post', wr: { id: 2, opcode: 'FETCH_ADD', addr: 1_048_576, add: 1 } },
      ],
      faults: [{ kind: 'drop-response', path: 0, wr: 1, count: 'all' }],
    });
    expect(executions(ex, 1)).toBe(2);
    expect(memoryB(ex)[2]).toBe(2);
    expect(properties.atMostOnce.check(ex)).toMatchObject({ status: 'violated' });
    // With the handshake the follower waits for the leader before it resets: shift holds here.
    expect(executions(run(layers.shift, { ...ex.scenario }), 1)).toBe(1);
  });
});

describe('the PSNs of the two ends of the default QP no longer match', () => {
  /**
   * Seed 2, run 12 (WRITE; FETCH_ADD and CMP_SWAP the same for shiftNoAtomicAbort): B's QP 0 fails
   * at the start and B falls back; A's WRs 1 and 3, still on path 0, reach B's reset end and move
   * its expected PSN on; when path 1 fails too, A falls back to its own reset QP 0, whose PSNs
   * restart at 0: WR 2 is a duplicate at B, ACKed and never executed.
   */
  const desync = (opcode: 'WRITE' | 'FETCH_ADD' | 'CMP_SWAP'): Partial<Scenario> => {
    const wr = (id: number, addr: number) =>
      opcode === 'WRITE'
        ? { id, opcode, addr, value: 1 }
        : opcode === 'FETCH_ADD'
          ? { id, opcode, addr, add: 1 }
          : { id, opcode, addr, compare: 0, swap: 1 };
    return {
      config: { ...quick, retryCnt: 3, timeout: 3 },
      workload: [
        { kind: 'post', wr: wr(1, 2) },
        { kind: 'post', wr: wr(2, 1), after: { on: 'deliver', wr: 1 } },
        { kind: 'post', wr: wr(3, 2) },
      ],
      faults: [
        { kind: 'delay', direction: 'request', delayNs: 1001, wr: 1, count: 'all' },
        { kind: 'link-down', path: 1, direction: 'b-to-a', after: { on: 'execute', wr: 1 }, upAfterNs: 99_305 },
        { kind: 'qp-error', host: 'B', path: 0, after: { on: 'start' } },
      ],
    };
  };

  it.each([
    ['shift', 'WRITE'],
    ['shiftNoFence', 'WRITE'],
    ['shiftNoAtomicAbort', 'WRITE'],
    ['shiftNoAtomicAbort', 'FETCH_ADD'],
    ['shiftNoAtomicAbort', 'CMP_SWAP'],
  ] as const)('%s + %s: WR 2 is reported SUCCESS and never executed (completion-fidelity)', (name, opcode) => {
    const ex = run(layers[name], desync(opcode));
    expect(sendDeliveries(ex)).toContain('2:SUCCESS');
    expect(executions(ex, 2)).toBe(0);
    expect(properties.completionFidelity.check(ex)).toMatchObject({ status: 'violated' });
  });
});

describe('a late message lands twice (reached at seed 1, not within 200 runs at seed 3)', () => {
  it.each(['shift', 'shiftNoAtomicAbort'])(
    "%s: a SEND delayed past the single try lands in RECV 1 at the follower's reset end after its counter was taken, and the leader's re-send fills RECV 2 (no-queue-sliding [SEND], seed 1 run 1)",
    (name) => {
      const ex = run(layers[name as keyof typeof layers], {
        config: { ...quick, retryCnt: 0, timeout: 1 },
        workload: [
          { kind: 'recv', wr: { id: 1 } },
          { kind: 'recv', wr: { id: 2 } },
          { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 101 } },
        ],
        faults: [{ kind: 'delay', direction: 'request', delayNs: 8193, path: 0, count: 'all' }],
      });
      expect(recvDeliveries(ex)).toEqual(['1<-101', '2<-101']);
      expect(properties.noQueueSliding.check(ex)).toMatchObject({ status: 'violated' });
    },
  );
});
