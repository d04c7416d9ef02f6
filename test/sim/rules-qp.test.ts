/** verbs-semantics.md, "Queue pairs" and "Events", plus the fault kinds and layer misuse. */
import { Simulator } from '../../adapters/sim';
import { transition } from '../../adapters/sim/nic';
import type { FailoverLayer } from '../../src/core/layer';
import { passThrough } from '../../src/layers/passThrough';
import { LEGAL_QP_TRANSITIONS } from '../../src/core/verbs';
import type { QpState } from '../../src/core/verbs';
import { delivered, of, run } from './helpers';

const STATES: QpState[] = ['RESET', 'INIT', 'RTR', 'RTS', 'SQD', 'SQE', 'ERR'];

describe('queue-pair rules', () => {
  test('rule: only the RC transitions of verbs.c qp_state_table are legal; an illegal one changes nothing and fails', () => {
    const s = new Simulator({ workload: [], faults: [] }, passThrough);
    for (const from of STATES) {
      for (const to of STATES) {
        const qp = s.qps.A[0];
        qp.state = from;
        const ok = transition(s, qp, to, 'test');
        expect([from, to, ok]).toEqual([from, to, LEGAL_QP_TRANSITIONS[from].includes(to)]);
        expect(qp.state).toBe(ok ? to : from);
      }
    }
    expect(LEGAL_QP_TRANSITIONS.ERR).toEqual(['RESET', 'ERR']);
  });

  // Resets (one-ended, explicit PSNs, what they discard) and moves to ERR: rules-reset.test.ts.

  test('rule: completions of one receive queue follow post order, even when a fault fires on the Execute', () => {
    const ex = run({
      workload: [
        { kind: 'recv', wr: { id: 1 } },
        { kind: 'recv', wr: { id: 2 } },
        { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 11 } },
      ],
      faults: [{ kind: 'qp-error', host: 'B', path: 0, after: { on: 'execute', wr: 1 } }],
    });
    expect(delivered(ex, 'B')).toEqual(['1:SUCCESS', '2:WR_FLUSH_ERR']);
  });

  test('rule: posting to a QP in ERR is rejected at once, or accepted and flushed (a setting)', () => {
    const scenario = (postToErrQp: 'reject' | 'flush') => ({
      config: { postToErrQp },
      workload: [
        { kind: 'post' as const, wr: { id: 1, opcode: 'WRITE' as const, addr: 0, value: 1 } },
        {
          kind: 'post' as const,
          wr: { id: 2, opcode: 'WRITE' as const, addr: 0, value: 2 },
          after: { on: 'deliver' as const, wr: 1 },
        },
      ],
      faults: [{ kind: 'qp-error' as const, host: 'A' as const, path: 0, after: { on: 'send' as const, wr: 1 } }],
    });
    const rejected = run(scenario('reject'));
    expect(of(rejected, 'Post').map((p) => p.ok)).toEqual([true, false]);
    expect(of(rejected, 'Post')[1].error).toMatch(/ERR/);
    const flushed = run(scenario('flush'));
    expect(of(flushed, 'Post').map((p) => p.ok)).toEqual([true, true]);
    expect(delivered(flushed)).toEqual(['1:WR_FLUSH_ERR', '2:WR_FLUSH_ERR']);
  });

  test('rule: a local NIC death raises PORT_ERR (and PORT_ACTIVE when it comes back); the peer only sees timeouts', () => {
    const ex = run({
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } }],
      faults: [
        { kind: 'nic-death', host: 'A', path: 0, after: { on: 'start' }, reviveAfterNs: 1_000_000 },
        { kind: 'nic-death', host: 'B', path: 1, after: { on: 'start' } },
      ],
    });
    expect(of(ex, 'PortEvent').map((p) => `${p.host}${p.path}:${p.event}@${p.t}`)).toEqual([
      'A0:PORT_ERR@0',
      'B1:PORT_ERR@0',
      'A0:PORT_ACTIVE@1000000',
    ]);
    expect(delivered(ex)).toEqual(['1:RETRY_EXC_ERR']);
  });

  test('fault: a remote QP in ERR flushes its RECVs and silently drops requests (the requester times out)', () => {
    const ex = run({
      workload: [
        { kind: 'recv', wr: { id: 1 } },
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 }, after: { on: 'at', atNs: 10 } },
      ],
      faults: [{ kind: 'qp-error', host: 'B', path: 0, after: { on: 'start' } }],
    });
    expect(delivered(ex, 'B')).toEqual(['1:WR_FLUSH_ERR']);
    expect(of(ex, 'PacketLost')[0].reason).toMatch(/in ERR/);
    expect(delivered(ex)).toEqual(['1:RETRY_EXC_ERR']);
  });

  test('fault: a corrupt WQE completes with LOC_QP_OP_ERR without being sent, and the QP goes to ERR', () => {
    const ex = run({
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } },
        { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 1, value: 1 } },
      ],
      faults: [{ kind: 'corrupt-wqe', path: 0, wr: 2 }],
    });
    expect(of(ex, 'Send').map((s) => s.wr)).toEqual([1]);
    expect(delivered(ex)).toEqual(['1:WR_FLUSH_ERR', '2:LOC_QP_OP_ERR']);
  });

  test('fault: loss of the management network drops control messages until it is restored', () => {
    const chatty: FailoverLayer = {
      name: 'chatty',
      create: (env) => ({
        postSend: (wr) => {
          env.sendControl({ hello: wr.id });
          env.post(0, wr);
        },
        postRecv: () => undefined,
        onCompletion: (_p, wc) => env.deliver(wc),
        onControl: () => undefined,
      }),
    };
    const ex = run(
      {
        workload: [
          { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } },
          { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 0, value: 1 }, after: { on: 'at', atNs: 100_000 } },
        ],
        faults: [{ kind: 'control-loss', after: { on: 'start' }, restoreAfterNs: 50_000 }],
      },
      chatty,
    );
    expect(of(ex, 'ControlLost').map((c) => c.msg)).toEqual([{ hello: 1 }]);
    expect(of(ex, 'ControlReceived').map((c) => c.msg)).toEqual([{ hello: 2 }]);
  });
});

describe('layer misuse is recorded as a LayerFault, never a crash', () => {
  const misuse = (
    label: string,
    body: (env: Parameters<FailoverLayer['create']>[0], wr: import('../../src/core/verbs').SendWr) => void,
  ) => ({
    name: label,
    create: (env: Parameters<FailoverLayer['create']>[0]) => ({
      postSend: (wr: import('../../src/core/verbs').SendWr) => body(env, wr),
      postRecv: () => undefined,
      onCompletion: (_p: number, wc: import('../../src/core/verbs').WorkCompletion) => env.deliver(wc),
    }),
  });
  const oneWrite = {
    workload: [{ kind: 'post' as const, wr: { id: 1, opcode: 'WRITE' as const, addr: 0, value: 1 } }],
    faults: [],
  };
  const faultsOf = (layer: FailoverLayer) =>
    of(run(oneWrite, layer), 'LayerFault').map((f) => `${f.during}: ${f.reason}`);

  test('posting on a path that does not exist', () => {
    expect(faultsOf(misuse('bad-path', (env, wr) => env.post(5, wr)))).toEqual([
      'post: path 5 does not exist (paths are 0..1)',
    ]);
  });
  test('posting a WR id the application never posted (invented WRs must use negative ids)', () => {
    expect(faultsOf(misuse('bad-id', (env, wr) => env.post(0, { ...wr, id: 77 })))[0]).toMatch(
      /WR 77 is not an application WR/,
    );
  });
  test('delivering a completion for an unknown WR, and for one already completed', () => {
    expect(faultsOf(misuse('unknown', (env) => env.deliver({ wrId: 9, status: 'SUCCESS', opcode: 'WRITE' })))).toEqual([
      'deliver: delivered a completion for WR 9, which the application never posted',
    ]);
    expect(
      faultsOf(
        misuse('twice', (env, wr) => {
          env.deliver({ wrId: wr.id, status: 'SUCCESS', opcode: 'WRITE' });
          env.post(0, wr);
        }),
      ),
    ).toEqual(['deliver: delivered a second completion for WR 1']);
  });
  test('a layer that throws: the fault names the callback, the run goes on', () => {
    const ex = run(
      oneWrite,
      misuse('thrower', () => {
        throw new Error('boom');
      }),
    );
    expect(of(ex, 'LayerFault').map((f) => `${f.during}: ${f.reason}`)).toEqual(['postSend: threw Error: boom']);
    expect(ex.end.reason).toBe('quiescent');
  });
  test('a layer whose create() throws gets a LayerFault and no instance', () => {
    const ex = run(oneWrite, {
      name: 'bad-create',
      create: () => {
        throw new TypeError('no');
      },
    });
    expect(of(ex, 'LayerFault').map((f) => `${f.host} ${f.during}`)).toEqual(['A create', 'B create']);
  });
  test('a layer that posts forever is stopped by the event limit', () => {
    const loop: FailoverLayer = {
      name: 'loop',
      create: (env) => ({
        postSend: (wr) => void env.post(0, wr),
        postRecv: () => undefined,
        onCompletion: () => void env.setTimer(0, 'again'),
        onTimer: () => void env.setTimer(0, 'again'),
      }),
    };
    const ex = run({ ...oneWrite, config: { maxEvents: 1_000 } }, loop);
    expect(ex.end.reason).toBe('event-limit');
    expect(ex.trace.length).toBe(1_001);
  });
});
