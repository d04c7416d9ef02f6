/**
 * What real NICs cannot show is inferred from memory and completions, and marked inferred: the
 * rules the native adapter uses to turn evidence into Execute / PacketLost / AckLost events.
 */
import { retryCntRefusal, rnrTimerCode, wireConfig } from '../../adapters/native/config';
import { refuseUnrunnable } from '../../adapters/native/driver';
import { unsupportedReason } from '../../adapters/native/faults';
import type { NicWrite, Outcome } from '../../adapters/native/host';
import { inferNetworkEvents } from '../../adapters/native/infer';
import { decodeMessage, encodeMessage, SLOT_WORDS } from '../../adapters/native/message';
import type { Scenario } from '../../src/core/scenario';
import { DEFAULT_CONFIG } from '../../src/core/scenario';
import type { SendWr } from '../../src/core/verbs';

const W: SendWr = { id: 1, opcode: 'WRITE', addr: 0, value: 1 };
const FADD: SendWr = { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 };
const outcome = (wr: SendWr, status: Outcome['status'], path = 0, postedAt = 1000, value?: number): Outcome => ({
  host: 'A',
  path,
  wr,
  postedAt,
  status,
  ...(value !== undefined ? { value } : {}),
  completedAt: postedAt + 500_000,
});
const write = (addr: number, old: number, value: number, t: number): NicWrite => ({ host: 'B', addr, old, value, t });
const kinds = (ts: { e: { kind: string } }[]) => ts.map((x) => x.e.kind);

describe("inference of the responder's executions", () => {
  test("T2: RETRY_EXC_ERR with the value in B's memory is an execution whose ACK was lost", () => {
    const out = inferNetworkEvents([outcome(W, 'RETRY_EXC_ERR')], [write(0, 0, 1, 2000)], []);
    expect(kinds(out)).toEqual(['Execute', 'AckLost']);
    expect(out[0].e).toMatchObject({
      kind: 'Execute',
      host: 'B',
      from: 'A',
      wr: 1,
      addr: 0,
      value: 1,
      status: 'SUCCESS',
      inferred: true,
    });
    expect(out[1].e).toMatchObject({ inferred: true });
  });

  test("T1: RETRY_EXC_ERR with nothing in B's memory is a lost request", () => {
    const out = inferNetworkEvents([outcome(W, 'RETRY_EXC_ERR')], [], []);
    expect(out.map((x) => x.e)).toEqual([expect.objectContaining({ kind: 'PacketLost', wr: 1, inferred: true })]);
  });

  test('a memory change from before the post is not evidence for it', () => {
    const out = inferNetworkEvents([outcome(W, 'RETRY_EXC_ERR', 0, 100_000_000)], [write(0, 0, 1, 1000)], []);
    expect(kinds(out)).toEqual(['PacketLost']);
  });

  test('FETCH_ADD retried after a lost ACK: the counter went up twice, so both posts executed', () => {
    const first = outcome(FADD, 'RETRY_EXC_ERR', 0, 1000);
    const second = outcome(FADD, 'SUCCESS', 1, 900_000_000, 1); // the retry read old value 1
    const out = inferNetworkEvents([first, second], [write(0, 0, 1, 2000), write(0, 1, 2, 900_100_000)], []);
    const executes = out.filter((x) => x.e.kind === 'Execute');
    expect(executes.map((x) => x.e)).toEqual([
      expect.objectContaining({ path: 0, wr: 1, inferred: true }),
      expect.objectContaining({ path: 1, wr: 1, old: 1, inferred: true }),
    ]);
  });

  test('FETCH_ADD retried after a lost request: one increment, so only the retry executed', () => {
    const out = inferNetworkEvents(
      [outcome(FADD, 'RETRY_EXC_ERR', 0, 1000), outcome(FADD, 'SUCCESS', 1, 900_000_000, 0)],
      [write(0, 0, 1, 900_100_000)],
      [],
    );
    expect(kinds(out)).toEqual(['PacketLost', 'Execute']);
  });

  test('a SEND is executed when a RECV at B holds its WR id', () => {
    const send: SendWr = { id: 7, opcode: 'SEND', value: 70 };
    const rc = {
      t: 5000,
      e: {
        kind: 'RecvConsumed' as const,
        host: 'B' as const,
        path: 0,
        recvWr: 3,
        from: 'A' as const,
        wr: 7,
        value: 70,
      },
    };
    const out = inferNetworkEvents([outcome(send, 'RETRY_EXC_ERR')], [], [rc]);
    expect(kinds(out)).toEqual(['Execute', 'AckLost']);
  });

  test('a CMP_SWAP whose compare failed leaves nothing to infer from', () => {
    const cas: SendWr = { id: 2, opcode: 'CMP_SWAP', addr: 0, compare: 5, swap: 6 };
    expect(inferNetworkEvents([outcome(cas, 'RETRY_EXC_ERR')], [], [])).toEqual([]);
  });
});

describe('mapping scenarios onto real QPs', () => {
  test("retry_cnt 7 reaches the QP only under nic 'rxe' (rdma_rxe retries forever, as that profile does)", () => {
    expect(wireConfig({ ...DEFAULT_CONFIG, retryCnt: 7, nic: 'rxe' }, {}).retryCnt).toBe(7);
    expect(retryCntRefusal({ ...DEFAULT_CONFIG, retryCnt: 7, nic: 'rxe' }, {})).toBeUndefined();
    expect(retryCntRefusal({ ...DEFAULT_CONFIG, retryCnt: 7 }, {})).toMatch(
      /retries forever at 7: set config.nic 'rxe'/,
    );
    expect(retryCntRefusal({ ...DEFAULT_CONFIG, retryCnt: 6 }, {})).toBeUndefined();
    expect(wireConfig(DEFAULT_CONFIG, { retryCnt: 3, timeout: 12 })).toMatchObject({ retryCnt: 3, timeout: 12 });
  });
  test('the initiator depth goes to the QP as the scenario sets it', () => {
    expect(wireConfig({ ...DEFAULT_CONFIG, maxDestRdAtomic: 4, maxRdAtomic: 1 }, {})).toMatchObject({
      maxDestRdAtomic: 4,
      maxRdAtomic: 1,
    });
  });
  test('min RNR timer: the smallest IB code that waits at least as long', () => {
    expect(rnrTimerCode(10_000)).toBe(1); // 0.01 ms
    expect(rnrTimerCode(11_000)).toBe(2); // 0.02 ms
    expect(rnrTimerCode(1e12)).toBe(0); // longer than any code: 655.36 ms, the longest
  });
  test('drops of any count are exact with the packet filter, and refused with its reason without it', () => {
    const withFilter = { ok: true };
    const without = { ok: false, reason: 'the packet filter helper is missing' };
    expect(unsupportedReason({ kind: 'drop-response', wr: 1, count: 1 }, withFilter)).toBeUndefined();
    expect(unsupportedReason({ kind: 'drop-request', nth: 2, count: 'all' }, withFilter)).toBeUndefined();
    expect(unsupportedReason({ kind: 'drop-response', count: 1 }, without)).toMatch(
      /needs the packet filter: .*missing/,
    );
    expect(unsupportedReason({ kind: 'corrupt-wqe', path: 0, wr: 1 }, withFilter)).toMatch(/verbs offer no way/);
  });
  test('a scenario the adapter cannot run is refused by a check that needs no agent', () => {
    const scenario: Scenario = {
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } }],
      faults: [{ kind: 'corrupt-wqe', path: 0, wr: 1 }],
    };
    expect(() => refuseUnrunnable(scenario, {})).toThrow(/faults\[0\] \(corrupt-wqe\) cannot be injected/);
    expect(() => refuseUnrunnable({ ...scenario, faults: [], config: { retryCnt: 7 } }, {})).toThrow(/retries forever/);
    expect(() => refuseUnrunnable({ ...scenario, faults: [], config: { retryCnt: 7, nic: 'rxe' } }, {})).not.toThrow();
  });
  test('a SEND body round-trips through a buffer slot with its WR id, value and payload', () => {
    const words = new BigInt64Array(SLOT_WORDS * 2);
    const len = encodeMessage(words, 1, { id: 9, opcode: 'SEND', value: -3, payload: [1, 2, 3] });
    expect(decodeMessage(words, 1, len)).toEqual({ wrId: 9, value: -3, payload: [1, 2, 3] });
    const len2 = encodeMessage(words, 0, { id: -4, opcode: 'SEND' });
    expect(decodeMessage(words, 0, len2)).toEqual({ wrId: -4 });
  });
});
