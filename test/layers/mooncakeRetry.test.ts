/**
 * The Mooncake model (src/layers/mooncakeRetry.ts), one scenario per rule, each named by the source
 * lines it follows (kvcache-ai/Mooncake at MOONCAKE_COMMIT; abbreviations in src/layers/mooncake/source.ts).
 * Scenarios use Mooncake's own QP settings (timeout 14, retry_cnt 7) and a liveness budget long
 * enough for its 10 s and 30 s timers.
 */
import { properties } from '../../properties';
import { layers } from '../../src/layers';
import { createMooncakeRetry } from '../../src/layers/mooncakeRetry';
import { MOONCAKE_QP } from '../../src/layers/mooncake/source';
import type { Fault, Scenario, WorkloadStep } from '../../src/core/scenario';
import type { SendWr } from '../../src/core/verbs';
import type { Execution } from '../../src/core/execution';
import { executions, of, run, sendDeliveries } from './helpers';

const SECOND = 1_000_000_000;
const config: Scenario['config'] = {
  timeout: MOONCAKE_QP.timeout,
  retryCnt: MOONCAKE_QP.retryCnt,
  rnrRetry: MOONCAKE_QP.rnrRetry,
  livenessNs: 60 * SECOND,
};
const write = (id: number, value = 10 + id): SendWr => ({ id, opcode: 'WRITE', addr: 1, value });
const post = (wr: SendWr, after?: WorkloadStep['after']): WorkloadStep => ({
  kind: 'post',
  wr,
  ...(after ? { after } : {}),
});
const atNs = (t: number) => ({ on: 'at', atNs: t }) as const;

function mooncake(workload: WorkloadStep[], faults: Fault[], layer = layers.mooncakeRetry): Execution {
  return run(layer, { config, workload, faults });
}

/** The paths on which B executed WR `wr` of A. */
function executedOn(ex: Execution, wr: number): number[] {
  return of(ex, 'Execute')
    .filter((e) => e.wr === wr && e.from === 'A' && e.status === 'SUCCESS')
    .map((e) => e.path);
}

/** The paths on which A's layer posted WR `wr`. */
function postedOn(ex: Execution, wr: number): number[] {
  return of(ex, 'Post')
    .filter((e) => e.host === 'A' && e.wr.id === wr)
    .map((e) => e.path);
}

describe('mooncake-retry: the remote-error path', () => {
  it('wp.cpp:performPollCq:696-711 + redispatch:776-860: a RETRY_EXC_ERR pauses the rail, deletes the endpoint and re-posts the same WRITE on the other rail', () => {
    const ex = mooncake([post(write(1))], [{ kind: 'nic-death', host: 'B', path: 0, after: { on: 'start' } }]);
    expect(postedOn(ex, 1)).toEqual([0, 1]);
    expect(executedOn(ex, 1)).toEqual([1]);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });

  it('wp.cpp:redispatch:776-860 re-sends a WRITE whose ACK was lost without checking it: B executes it twice', () => {
    const ex = mooncake([post(write(1))], [{ kind: 'drop-response', path: 0, count: 'all' }]);
    expect(executedOn(ex, 1)).toEqual([0, 1]);
    expect(executions(ex, 1)).toBe(2);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });

  it('wp.cpp:performPollCq:626-649: a sibling slice flushed with the failed QP is retried on another rail, unverified', () => {
    const ex = mooncake([post(write(1)), post(write(2))], [{ kind: 'drop-response', path: 0, count: 'all' }]);
    const flushes = of(ex, 'Completion').filter(
      (e) => e.host === 'A' && e.wc.wrId === 2 && e.wc.status === 'WR_FLUSH_ERR',
    );
    expect(flushes).toHaveLength(1);
    expect(postedOn(ex, 2)).toEqual([0, 1]);
    // It had executed on path 0 (only its ACK was lost): the retry executes it again.
    expect(executedOn(ex, 2)).toEqual([0, 1]);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '2:SUCCESS']);
  });

  it('wp.cpp:shouldRetrySlice:1419-1422 + redispatch:760-762: with every rail dead a slice fails after max_retry_cnt = 9 attempts', () => {
    const ex = mooncake(
      [post(write(1))],
      [
        { kind: 'nic-death', host: 'B', path: 0, after: { on: 'start' } },
        { kind: 'nic-death', host: 'B', path: 1, after: { on: 'start' } },
      ],
    );
    expect(postedOn(ex, 1)).toHaveLength(9);
    expect(sendDeliveries(ex)).toEqual(['1:RETRY_EXC_ERR']);
  });

  it('wp.cpp:isRailAvailable:1401-1415: a paused rail is skipped for 30 s, then new slices go back to it (topo.cpp:761-779)', () => {
    const ex = mooncake(
      [post(write(1)), post(write(2), atNs(10 * SECOND)), post(write(3), atNs(31 * SECOND))],
      [{ kind: 'drop-response', path: 0, wr: 1, count: 'all' }],
    );
    expect(postedOn(ex, 2)).toEqual([1]);
    expect(postedOn(ex, 3)).toEqual([0]);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '2:SUCCESS', '3:SUCCESS']);
  });

  it('wp.cpp:performPostSend:450-462 + ep.cpp:doSetupConnection:1215-1225: a deleted endpoint is set up again by a handshake in which both ends reset their QP', () => {
    const ex = mooncake(
      [post(write(1)), post(write(2), atNs(31 * SECOND))],
      [{ kind: 'drop-response', path: 0, wr: 1, count: 'all' }],
    );
    const resets = of(ex, 'Reset')
      .filter((e) => e.path === 0)
      .map((e) => e.host);
    expect(resets).toEqual(['A', 'B']);
    expect(executedOn(ex, 2)).toEqual([0]);
  });

  it("ep.cpp:construct + doSetupConnection:1215-1225: a new endpoint is a new QP (a new PSN space here), so a response of the deleted endpoint arriving late is dropped, not taken for the new endpoint's READ (audit seed 3, mixed run 31: a plain ACK completed the READ without data)", () => {
    const ex = mooncake(
      [post(write(2, 1)), post({ id: 3, opcode: 'READ', addr: 2 }, { on: 'deliver', wr: 2 })],
      [
        { kind: 'qp-error', host: 'B', path: 0, after: { on: 'start' } },
        { kind: 'delay', direction: 'response', delayNs: 603_987_777, path: 1, count: 'all' },
      ],
    );
    // Every handshake: A's new QP, then B's, both at a PSN no earlier endpoint of the run used.
    const resets = of(ex, 'Reset');
    const psns = resets.map((e) => e.sqPsn);
    expect(resets.map((e) => `${e.host}${e.path}`)).toEqual(resets.map((_, i) => (i % 2 === 0 ? 'A1' : 'B1')));
    expect(resets.every((e) => e.rqPsn === e.sqPsn)).toBe(true);
    expect(new Set(psns).size).toBe(resets.length / 2);
    expect(psns).not.toContain(0);
    // Every response on the rail arrives after its retry cycle, and path 0's far end is in ERR: both
    // slices fail after their 9 tries; none is completed by a response of an earlier endpoint.
    expect(of(ex, 'Deliver').map((e) => `${e.wc.wrId}:${e.wc.status}`)).toEqual(['2:RETRY_EXC_ERR', '3:RETRY_EXC_ERR']);
    expect(properties.completionFidelity.check(ex)).toMatchObject({ status: 'holds' });
  });

  it('wp.cpp:performPostSend:508-519 + ep.h:194-195: without the ready ACK for 10 s the rail is paused and the waiting slice retried elsewhere', () => {
    const ex = mooncake(
      [post(write(1)), post(write(2), atNs(31 * SECOND))],
      [
        { kind: 'drop-response', path: 0, wr: 1, count: 'all' },
        { kind: 'control-loss', after: { on: 'start' } },
      ],
    );
    expect(postedOn(ex, 2)).toEqual([1]);
    const done = of(ex, 'Deliver').find((e) => e.wc.wrId === 2)!;
    expect(done.t).toBeGreaterThanOrEqual(41 * SECOND);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '2:SUCCESS']);
  });
});

describe('mooncake-retry: local faults', () => {
  it('wp.cpp:performPollCq:667-695 + tryHandoffToAnotherLocalWorker:877-945: a LOC_QP_OP_ERR charges the rail without pausing it and hands the slice to another local RNIC', () => {
    const ex = mooncake(
      [post(write(1)), post(write(2), { on: 'deliver', wr: 1 })],
      [{ kind: 'corrupt-wqe', path: 0, wr: 1 }],
    );
    expect(postedOn(ex, 1)).toEqual([0, 1]);
    // Not paused: the next slice goes back to device 0, through a new endpoint.
    expect(postedOn(ex, 2)).toEqual([0]);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '2:SUCCESS']);
  });

  it('wp.cpp:handleContextEvent:1064-1086 + performPostSend:366-385: after PORT_ERR the local RNIC is inactive and new slices are handed to another', () => {
    const ex = mooncake([post(write(1))], [{ kind: 'nic-death', host: 'A', path: 0, after: { on: 'start' } }]);
    expect(postedOn(ex, 1)).toEqual([1]);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });

  it('wp.cpp:handleContextEvent:1103-1110 + maybeActivateRecoveredContext:1127-1161: PORT_ACTIVE re-activates the local RNIC 30 s later', () => {
    const ex = mooncake(
      [post(write(1), atNs(20 * SECOND)), post(write(2), atNs(32 * SECOND))],
      [{ kind: 'nic-death', host: 'A', path: 0, after: { on: 'start' }, reviveAfterNs: 1_000_000 }],
    );
    expect(postedOn(ex, 1)).toEqual([1]);
    expect(postedOn(ex, 2)).toEqual([0]);
  });
});

describe('mooncake-retry: what it carries', () => {
  it('ep.cpp:submitPostSend:972-974: a READ is a slice like a WRITE and returns its data', () => {
    const ex = mooncake(
      [post({ id: 1, opcode: 'READ', addr: 0 })],
      [{ kind: 'nic-death', host: 'B', path: 0, after: { on: 'start' } }],
    );
    expect(postedOn(ex, 1)).toEqual([0, 1]);
    expect(of(ex, 'Deliver').map((e) => e.wc)).toEqual([{ wrId: 1, status: 'SUCCESS', opcode: 'READ', value: 0 }]);
  });

  it('declares the op classes Mooncake moves: WRITE and READ', () => {
    expect(layers.mooncakeRetry.opcodes).toEqual(['WRITE', 'READ']);
    expect(createMooncakeRetry().opcodes).toEqual(['WRITE', 'READ']);
  });
});
