/**
 * The kucx model (src/layers/kucxFailover.ts), one scenario per rule, each named by the source
 * lines it follows (openeuler-mirror/kucx at KUCX_COMMIT; abbreviations in src/layers/kucx/source.ts).
 * Scenarios use kucx's own QP settings (timeout 18, retry_cnt 7).
 */
import { properties } from '../../properties';
import { layers } from '../../src/layers';
import { createKucxFailover } from '../../src/layers/kucxFailover';
import { KUCX_QP } from '../../src/layers/kucx/source';
import type { Fault, Scenario, WorkloadStep } from '../../src/core/scenario';
import type { SendWr } from '../../src/core/verbs';
import type { Execution } from '../../src/core/execution';
import { executions, memoryB, of, recvDeliveries, run, sendDeliveries } from './helpers';

const config: Scenario['config'] = { ...KUCX_QP, livenessNs: 1_000_000_000 };
const post = (wr: SendWr, after?: WorkloadStep['after']): WorkloadStep => ({
  kind: 'post',
  wr,
  ...(after ? { after } : {}),
});
const write = (id: number): SendWr => ({ id, opcode: 'WRITE', addr: 1, value: 10 + id });
const send = (id: number): SendWr => ({ id, opcode: 'SEND', value: 100 + id });
const recv = (id: number): WorkloadStep => ({ kind: 'recv', wr: { id } });
const bDiesAfterExecuting = (wr: number): Fault => ({
  kind: 'nic-death',
  host: 'B',
  path: 0,
  after: { on: 'execute', wr },
});
const aDiesAt = (atNs: number): Fault => ({ kind: 'nic-death', host: 'A', path: 0, after: { on: 'at', atNs } });

function kucx(workload: WorkloadStep[], faults: Fault[]): Execution {
  return run(layers.kucxFailover, { config, workload, faults });
}

function postedOn(ex: Execution, wr: number): number[] {
  return of(ex, 'Post')
    .filter((e) => e.host === 'A' && e.wr.id === wr)
    .map((e) => e.path);
}

function control(ex: Execution, host: 'A' | 'B', kind: string): Record<string, unknown>[] {
  return of(ex, 'SendControl')
    .filter((e) => e.host === host && (e.msg as { kucx?: string }).kucx === kind)
    .map((e) => e.msg as Record<string, unknown>);
}

const aborts = (ex: Execution): string[] =>
  of(ex, 'SetTimer')
    .filter((e) => e.token.startsWith('kucx-abort'))
    .map((e) => `${e.host}: ${e.token}`);

describe('kucx-failover: the data path', () => {
  it('iface.c:poll_tx:172-194: a RETRY_EXC_ERR CQE completes the op as SUCCESS though it never executed, and triggers no failover', () => {
    const ex = kucx([post(write(1))], [{ kind: 'drop-request', path: 0, count: 'all' }]);
    expect(executions(ex, 1)).toBe(0);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(postedOn(ex, 1)).toEqual([0]);
  });

  it('rc_fo.h:completion_desc:59-81 with ep.c:151: one CQE completes every op up to its wr_id (the flush of WR 2 completes WR 2 after WR 1 failed)', () => {
    const ex = kucx([post(write(1)), post(write(2))], [{ kind: 'drop-request', path: 0, count: 'all' }]);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '2:SUCCESS']);
    expect(executions(ex, 1) + executions(ex, 2)).toBe(0);
  });

  it('iface.c:handle_am:251-289: each RX CQE hands the message to the application and counts one ack', () => {
    const ex = kucx([recv(1), recv(2), post(send(1)), post(send(2))], []);
    expect(recvDeliveries(ex)).toEqual(['1<-101', '2<-102']);
  });
});

describe('kucx-failover: the failover decision', () => {
  it("resend.c:13-84 with ucp.c:1159-1186: a SEND the peer counted in its ack is released, not resent, after the peer's NIC dies", () => {
    const ex = kucx([recv(1), post(send(1))], [bDiesAfterExecuting(1)]);
    expect(control(ex, 'A', 'meta')).toEqual([expect.objectContaining({ reply: true, ack: 0 })]);
    expect(control(ex, 'B', 'meta')).toEqual([expect.objectContaining({ reply: false, ack: 1 })]);
    expect(postedOn(ex, 1)).toEqual([0]);
    expect(executions(ex, 1)).toBe(1);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });

  it('resend.c:51-52 + 463-521: a one-sided WRITE the peer executed is resent on the new lane: it executes twice', () => {
    const ex = kucx([post(write(1))], [bDiesAfterExecuting(1)]);
    expect(postedOn(ex, 1)).toEqual([0, 1]);
    expect(executions(ex, 1)).toBe(2);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });

  it("resend.c:324-326 with ep.c:766-770, 786-788: a resent FETCH_ADD adds the descriptor's swap field (0): a lost request's add never happens, yet completes SUCCESS", () => {
    const ex = kucx(
      [post({ id: 1, opcode: 'FETCH_ADD', addr: 1, add: 5 })],
      [{ kind: 'drop-request', path: 0, count: 'all' }, aDiesAt(10_000)],
    );
    const reposted = of(ex, 'Post').filter((e) => e.host === 'A' && e.path === 1);
    expect(reposted.map((e) => e.wr.add)).toEqual([0]);
    expect(memoryB(ex)[1]).toBe(0);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });

  it("resend.c:51-52 + 327-330: a CMP_SWAP that executed but whose ACK died with A's device is resent on the new lane with the same (compare, swap): after a third party's CAS restores the word, it succeeds twice (at-most-once; audit seed 2, run 191)", () => {
    const ex = kucx(
      [
        post({ id: 1, opcode: 'CMP_SWAP', addr: 1, compare: 0, swap: 1 }),
        { kind: 'third', op: 'CMP_SWAP', addr: 1, compare: 1, swap: 0 },
      ],
      [{ kind: 'nic-death', host: 'A', path: 0, after: { on: 'execute', wr: 1 } }],
    );
    expect(postedOn(ex, 1)).toEqual([0, 1]);
    expect(executions(ex, 1)).toBe(2);
    expect(memoryB(ex)[1]).toBe(1);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(properties.atMostOnce.check(ex)).toMatchObject({ status: 'violated' });
  });

  it('ucp.c:266-342, 804-819: every resent one-sided op first costs an rkey round trip', () => {
    const ex = kucx([post(write(1)), post(write(2))], [bDiesAfterExecuting(2)]);
    expect(control(ex, 'A', 'rkey-req')).toHaveLength(2);
    expect(control(ex, 'B', 'rkey-resp')).toHaveLength(2);
    expect(postedOn(ex, 1)).toEqual([0, 1]);
    expect(postedOn(ex, 2)).toEqual([0, 1]);
  });

  it('ucp.c:717-735 + ep.c:1088-1105: the side with the device fault drains and moves its origin QP to ERR; the peer (EP fault) does not', () => {
    const ex = kucx([post(write(1))], [aDiesAt(0)]);
    expect(of(ex, 'MoveToError').map((e) => `${e.host}${e.path}`)).toEqual(['A0']);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });

  it('ep.c:267-275 + ucp.c:598-609: an op posted while the lane fails over waits in pending and goes out on the new lane', () => {
    const ex = kucx([post(write(1), { on: 'at', atNs: 3_000 })], [aDiesAt(0)]);
    expect(postedOn(ex, 1)).toEqual([1]);
    expect(executions(ex, 1)).toBe(1);
  });

  it('ucp.c:168-205, 684-685: with no lane left the process aborts (ucs_fatal)', () => {
    const ex = kucx(
      [post(write(1))],
      [aDiesAt(0), { kind: 'nic-death', host: 'A', path: 1, after: { on: 'at', atNs: 100_000 } }],
    );
    expect(aborts(ex)).toEqual(['A: kucx-abort: no available lane (ucp.c:684-685)']);
  });

  it('ucp.c:684-685 + ib_device.c:617: both devices faulted together and back 1 us later: the process has aborted, the WR never completes (failure-masking)', () => {
    const ex = kucx(
      [post(write(1))],
      [
        { kind: 'nic-death', host: 'A', path: 0, after: { on: 'at', atNs: 0 }, reviveAfterNs: 1_000 },
        { kind: 'nic-death', host: 'A', path: 1, after: { on: 'at', atNs: 0 }, reviveAfterNs: 1_000 },
      ],
    );
    expect(aborts(ex)).toEqual(['A: kucx-abort: no available lane (ucp.c:684-685)']);
    expect(sendDeliveries(ex)).toEqual([]);
    expect(properties.failureMasking.check(ex)).toMatchObject({ status: 'violated' });
  });

  it("iface.c:poll_tx:172-194: a READ that hit REM_ACCESS_ERR leaves its QP in ERR; the next READ's flush completes it SUCCESS with a value it never read, after a third party changed the word (linearizability)", () => {
    const ex = kucx(
      [
        post({ id: 1, opcode: 'READ', addr: 1_048_576 }),
        post({ id: 2, opcode: 'READ', addr: 0 }, { on: 'deliver', wr: 1 }),
        { kind: 'third', op: 'WRITE', addr: 0, value: 1 },
      ],
      [],
    );
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS', '2:SUCCESS']);
    expect(memoryB(ex)[0]).toBe(1);
    expect(properties.linearizability.check(ex)).toMatchObject({ status: 'violated' });
  });

  it('resend.c:35: a SEND completed by its RETRY_EXC_ERR CQE, then a device fault: (pi - tx_pc) - ack exceeds the queue and the assert aborts the process', () => {
    const ex = kucx(
      [recv(1), post(send(1))],
      [{ kind: 'drop-request', path: 0, count: 'all' }, aDiesAt(9_000_000_000)],
    );
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(aborts(ex)).toEqual(['A: kucx-abort: resend set 1 > queue 0 (resend.c:35)']);
  });

  it('ib_device.c:617: no recovery: after PORT_ACTIVE new ops stay on the new lane', () => {
    const ex = kucx(
      [post(write(1), { on: 'at', atNs: 1_000_000 })],
      [{ kind: 'nic-death', host: 'A', path: 0, after: { on: 'start' }, reviveAfterNs: 100_000 }],
    );
    expect(postedOn(ex, 1)).toEqual([1]);
  });
});

describe('kucx-failover: what it carries', () => {
  it('declares the op classes kucx carries: AM (SEND), PUT, GET, fetch-add and compare-and-swap', () => {
    expect(layers.kucxFailover.opcodes).toEqual(['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP']);
    expect(createKucxFailover().config).toMatchObject(KUCX_QP);
  });
});
