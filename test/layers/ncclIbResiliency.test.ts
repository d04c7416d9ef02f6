/**
 * The NCCL model (src/layers/ncclIbResiliency.ts), one scenario per rule, each named by the source
 * lines it follows (NVIDIA/nccl at NCCL_COMMIT; files under src/transport/net_ib, res.cc =
 * p2p_resiliency.cc). Scenarios run at NCCL's own settings (IB timeout 20, retry_cnt 7: a dead
 * path is noticed after 8 x 4.29 s = 34.4 s) with the model's declared config.
 */
import { properties } from '../../properties';
import { layers } from '../../src/layers';
import { NCCL_QP_SETTINGS } from '../../src/layers/nccl/source';
import type { Fault, Scenario, WorkloadStep } from '../../src/core/scenario';
import type { SendWr } from '../../src/core/verbs';
import type { Execution } from '../../src/core/execution';
import { executions, memoryB, of, recvDeliveries, run, sendDeliveries } from './helpers';

const config: Scenario['config'] = { ...NCCL_QP_SETTINGS, pollDelayNs: { ...NCCL_QP_SETTINGS.pollDelayNs } };
const SECOND = 1_000_000_000;
const MS = 1_000_000;
/** A's error CQE comes at 34.359739 s, its probe READ executes at B 10 ms later, the replay lands 3 us after that: B resumes in between. */
const RESUME_BEFORE_REPLAY_NS = 34_369_742_000;
const msg = (id: number, value = 10 + id): SendWr => ({ id, opcode: 'WRITE_WITH_IMM', addr: 1, value, imm: id });
const write = (id: number, value = 10 + id): SendWr => ({ id, opcode: 'WRITE', addr: 1, value });
const post = (wr: SendWr): WorkloadStep => ({ kind: 'post', wr });
const recv = (id: number): WorkloadStep => ({ kind: 'recv', wr: { id } });

function nccl(workload: WorkloadStep[], faults: Fault[], extra: Scenario['config'] = {}): Execution {
  return run(layers.ncclIbResiliency, { config: { ...config, ...extra }, workload, faults });
}

/** A's layer's posts, as "opcode id imm@path". */
function postsOfA(ex: Execution): string[] {
  return of(ex, 'Post')
    .filter((e) => e.host === 'A')
    .map(
      (e) =>
        `${e.wr.opcode}${e.wr.id > 0 ? ` ${e.wr.id}` : ''}${e.wr.imm !== undefined ? ` imm ${e.wr.imm}` : ''}@${e.path}`,
    );
}

/** The probe READs A's layer posted, as "path@t". */
function probes(ex: Execution): { path: number; t: number }[] {
  return of(ex, 'Post')
    .filter((e) => e.host === 'A' && e.wr.opcode === 'READ')
    .map((e) => ({ path: e.path, t: e.t }));
}

describe('nccl-ib-resiliency: the data path', () => {
  it('p2p.cc:ncclIbMultiSend:83-260 + common.h:393-400: a small request is one signaled WRITE_WITH_IMM per QP, imm = id; chunk 0 carries the data', () => {
    const ex = nccl([recv(1), post(msg(1))], []);
    expect(postsOfA(ex)).toEqual(['WRITE_WITH_IMM 1 imm 1@0', 'WRITE_WITH_IMM imm 1@1']);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(recvDeliveries(ex)).toEqual(['1<-imm 1']);
    expect(executions(ex, 1)).toBe(1);
  });

  it("p2p.cc:131-142 + ncclIbRequestComplete:636-637: a WRITE request sends its data unsignaled, each chunk's WRITE_WITH_IMM writes the size into the record; no RECV is handed over", () => {
    const ex = nccl([post(write(1))], []);
    expect(postsOfA(ex)).toEqual(['WRITE 1@0', 'WRITE_WITH_IMM imm 1@0', 'WRITE_WITH_IMM imm 1@1']);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(recvDeliveries(ex)).toEqual([]);
    expect(ex.end.memory.B[1]).toBe(11);
  });

  it("p2p.cc:747-781: the receiver sets completions[physical QP] in the slot's record at poll time (the words the probe reads)", () => {
    const ex = nccl([recv(1), post(msg(1))], []);
    const memoryWords = ex.config.memoryWords;
    const flagWord = memoryWords + 1 * 136 + 8;
    const writes = of(ex, 'MemOp').filter((e) => e.host === 'B' && e.op === 'write' && e.addr === flagWord);
    // Cleared by the irecv, then bit 0 (QP 0) and bit 1 (QP 1) as each CQE is polled.
    expect(writes.map((e) => e.value)).toEqual([0, 1, 3]);
    const cqes = of(ex, 'Completion').filter((e) => e.host === 'B');
    expect(writes[1].t).toBe(cqes[0].t);
  });
});

describe('nccl-ib-resiliency: failure detection', () => {
  it('res.cc:ncclIbResiliencyCheckErrorNotFatal:36-44: RETRY_EXC_ERR is not fatal: the device fails over', () => {
    const ex = nccl([recv(1), post(msg(1))], [{ kind: 'nic-death', host: 'B', path: 0, after: { on: 'start' } }]);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(recvDeliveries(ex)).toEqual(['1<-imm 1']);
    expect(postsOfA(ex)).toContain('WRITE_WITH_IMM 1 imm 1@1');
  });

  it('res.cc:ncclIbResiliencyCheckErrorNotFatal:36-44: any other status (a corrupt WQE: LOC_QP_OP_ERR) is fatal although path 1 is healthy', () => {
    const ex = nccl([recv(1), post(msg(1))], [{ kind: 'corrupt-wqe', path: 0, wr: 1 }]);
    expect(sendDeliveries(ex)).toEqual(['1:LOC_QP_OP_ERR']);
    expect(probes(ex)).toEqual([]);
  });

  it('res.cc:46-51: a second failed device is fatal ("No support for more than a single failed device")', () => {
    const ex = nccl(
      [recv(1), post(msg(1))],
      [
        { kind: 'nic-death', host: 'B', path: 0, after: { on: 'start' } },
        { kind: 'nic-death', host: 'B', path: 1, after: { on: 'start' } },
      ],
      { paths: 3 } as Scenario['config'],
    );
    expect(sendDeliveries(ex)).toEqual(['1:RETRY_EXC_ERR']);
  });

  it('common.cc:167-180: PORT_ERR is only logged: the local layer acts on the error CQE alone', () => {
    const ex = nccl([recv(1), post(msg(1))], [{ kind: 'nic-death', host: 'A', path: 0, after: { on: 'start' } }]);
    const portErr = of(ex, 'PortEvent').find((e) => e.host === 'A');
    expect(portErr).toBeDefined();
    const firstDecisionAfter = of(ex, 'Post').find((e) => e.host === 'A' && e.t >= portErr!.t && e.t > 0);
    // Nothing is re-posted until the error CQE, 8 retransmission timers (34.4 s) later.
    expect(firstDecisionAfter!.t).toBeGreaterThan(34 * SECOND);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });
});

describe('nccl-ib-resiliency: the failover decision', () => {
  it("res.cc:ncclIbResiliencyProbePost:455-532: the probe is a READ of the slot's completions[] on the first OK device, PROBE_DELAY = 10 ms after the error", () => {
    const ex = nccl([recv(1), post(msg(1))], [{ kind: 'drop-response', path: 0, count: 'all' }]);
    const error = of(ex, 'Completion').find((e) => e.host === 'A' && e.wc.status !== 'SUCCESS')!;
    expect(probes(ex)).toEqual([{ path: 1, t: error.t + 10 * MS }]);
  });

  it('res.cc:ncclIbResiliencyHandleProbeCompleted:409-430: every sent chunk flagged: the request completes without a replay (the ACK alone was lost)', () => {
    const ex = nccl([recv(1), post(msg(1))], [{ kind: 'drop-response', path: 0, count: 'all' }]);
    expect(executions(ex, 1)).toBe(1);
    expect(postsOfA(ex).filter((p) => p.startsWith('WRITE_WITH_IMM 1'))).toEqual(['WRITE_WITH_IMM 1 imm 1@0']);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(recvDeliveries(ex)).toEqual(['1<-imm 1']);
  });

  it('res.cc:ncclIbResiliencyRepostRequest:206-266 + ReplaceQps:69-122: only the unflagged chunk is replayed, on the replacement QP, with the same immediate', () => {
    const ex = nccl([recv(1), post(msg(1))], [{ kind: 'drop-request', path: 0, count: 'all' }]);
    expect(postsOfA(ex)).toEqual([
      'WRITE_WITH_IMM 1 imm 1@0',
      'WRITE_WITH_IMM imm 1@1',
      'READ@1',
      'WRITE_WITH_IMM 1 imm 1@1',
    ]);
    expect(executions(ex, 1)).toBe(1);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
    expect(recvDeliveries(ex)).toEqual(['1<-imm 1']);
  });

  it('res.cc:ncclIbResiliencyRepostRequest:206-266: a WRITE whose WRITE_WITH_IMM was lost is replayed whole: its data WRITE executes a second time', () => {
    const ex = nccl([post(write(1))], [{ kind: 'drop-request', path: 0, nth: 2, count: 'all' }]);
    expect(executions(ex, 1)).toBe(2);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });

  it("res.cc:ncclIbResiliencyRepostRequest:206-266: the whole replay overwrites a word the receiver's application reused after the first execution (linearizability, the paper's T2)", () => {
    const ex = nccl(
      [post({ id: 1, opcode: 'WRITE', addr: 1, value: 5 }), { kind: 'reuse', addr: 1, expect: 5, value: 13 }],
      [{ kind: 'drop-request', path: 0, nth: 2, count: 'all' }],
    );
    expect(executions(ex, 1)).toBe(2);
    expect(memoryB(ex)[1]).toBe(5);
    expect(properties.linearizability.check(ex)).toMatchObject({ status: 'violated' });
  });

  it('res.cc:129-147: an error CQE of a tracked slot is dropped (the flush behind the failed WR starts no second tracking)', () => {
    const ex = nccl([post(write(1))], [{ kind: 'drop-request', path: 0, count: 'all' }]);
    const errors = of(ex, 'Completion').filter((e) => e.host === 'A' && e.wc.status !== 'SUCCESS');
    expect(errors.map((e) => e.wc.status)).toEqual(['RETRY_EXC_ERR', 'WR_FLUSH_ERR']);
    expect(probes(ex)).toHaveLength(1);
    expect(sendDeliveries(ex)).toEqual(['1:SUCCESS']);
  });

  it('res.cc:534-557 + 459-463: a failed probe fails its device; with no device left the request fails (MAX_ATTEMPTS never reached)', () => {
    const ex = nccl(
      [recv(1), post(msg(1))],
      [
        { kind: 'drop-response', path: 0, count: 'all' },
        { kind: 'nic-death', host: 'B', path: 1, after: { on: 'execute', wr: 1 } },
      ],
    );
    expect(sendDeliveries(ex)).toEqual(['1:RETRY_EXC_ERR']);
  });

  it('p2p.cc:777-778 + res.cc:206-266: a straggling chunk (lost once on a healthy QP as another QP fails) reads as unflagged and is replayed while its own retransmission still delivers it', () => {
    // Chunk 0 is lost once on QP 0 (which stays healthy); QP 1 fails as it is sent, so its chunk is
    // flushed and the probe 10 ms later READs on QP 0 behind the lost packet: the NAK retransmits the
    // chunk and the READ back to back, the READ executes before B polls the chunk (1 us later), and
    // reads no flag: both chunks are replayed and chunk 0 executes twice (at-most-once).
    const ex = nccl(
      [post(msg(1))],
      [
        { kind: 'drop-request', path: 0, wr: 1, count: 1 },
        { kind: 'qp-error', host: 'A', path: 1, after: { on: 'send', wr: 1 } },
      ],
    );
    expect(probes(ex)).toEqual([{ path: 0, t: expect.any(Number) }]);
    expect(executions(ex, 1)).toBe(2);
    expect(postsOfA(ex).filter((p) => p.startsWith('WRITE_WITH_IMM 1'))).toEqual([
      'WRITE_WITH_IMM 1 imm 1@0',
      'WRITE_WITH_IMM 1 imm 1@0',
    ]);
    expect(properties.atMostOnce.check(ex)).toMatchObject({ status: 'violated' });
  });

  it('p2p.cc:777-778 + ncclIbTest:828-872: flags are written at poll time: a receiver stalled past the probe gets a full replay, absorbed when it is polled in the same round as the originals', () => {
    // B's CPU stalls 34.5 s: the probe (34.37 s) reads no flag, both chunks are replayed on QP 1
    // and executed. B then polls its 4 CQEs in one round (1 on device 0, 3 on device 1): request 1's
    // counters go [1, 1] -> [0, -2], complete (remaining 0).
    const ex = nccl(
      [recv(1), recv(2), post(msg(1))],
      [
        { kind: 'drop-response', path: 0, count: 'all' },
        { kind: 'pause', host: 'B', after: { on: 'start' }, durationNs: 34.5 * SECOND },
      ],
    );
    expect(executions(ex, 1)).toBe(2);
    expect(recvDeliveries(ex)).toEqual(['1<-imm 1']);
  });

  it('p2p.cc:594-598 + res.cc:1029-1033: a replay polled after its request completed is looked up by imm % 256 alone and completes the request that re-used the object, without its data', () => {
    // B resumes between the probe READ (which read no flag) and the replay's arrival: it polls the
    // original chunks (request 1 completes; irecv 5 takes its object), then the two replayed ones,
    // which recvReqs[1] maps to request 5: its counters [1, 1] become [1, -1], the count rule holds,
    // and request 5, which A never sent, is handed to the application's next RECV as nobody's message.
    const ex = nccl(
      [recv(1), recv(2), post(msg(1))],
      [
        { kind: 'drop-response', path: 0, count: 'all' },
        { kind: 'pause', host: 'B', after: { on: 'start' }, durationNs: RESUME_BEFORE_REPLAY_NS },
      ],
    );
    expect(executions(ex, 1)).toBe(2);
    const memoryWords = ex.config.memoryWords;
    const slot5Flags = memoryWords + 5 * 136 + 8;
    const flagged = of(ex, 'MemOp').filter(
      (e) => e.host === 'B' && e.op === 'write' && e.addr === slot5Flags && e.value !== 0,
    );
    expect(flagged.map((e) => e.value)).toEqual([2, 2]);
    const handed = of(ex, 'Deliver').filter((e) => e.host === 'B');
    expect(handed.map((e) => [e.wc.wrId, e.wc.imm, e.forWr])).toEqual([
      [1, 1, 1],
      [2, undefined, undefined],
    ]);
  });
});

describe('nccl-ib-resiliency: the contract at its declared settings', () => {
  const faultSets: Fault[][] = [
    [],
    [{ kind: 'drop-response', path: 0, count: 'all' }],
    [{ kind: 'drop-request', path: 0, count: 'all' }],
    [{ kind: 'nic-death', host: 'B', path: 0, after: { on: 'execute', wr: 1 } }],
    [{ kind: 'qp-error', host: 'B', path: 0, after: { on: 'execute', wr: 1 } }],
    [{ kind: 'qp-error', host: 'A', path: 1, after: { on: 'send', wr: 2 } }],
    [{ kind: 'corrupt-wqe', path: 0, wr: 2 }],
    [{ kind: 'pause', host: 'B', after: { on: 'start' }, durationNs: 34.5 * SECOND }],
  ];
  it('never misuses the LayerEnv with NCCL_QP_SETTINGS (layer memory for the 256 records), for WRITE and WRITE_WITH_IMM', () => {
    for (const make of [msg, write])
      for (const faults of faultSets) {
        // run() throws on any LayerFault.
        const ex = nccl([recv(1), recv(2), recv(3), post(make(1)), post(make(2)), post(make(3))], faults);
        expect(ex.end.reason).not.toBe('event-limit');
      }
  });
});
