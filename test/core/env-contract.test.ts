/**
 * The LayerEnv contract (src/core/env), rule by rule, on a transport that only records what
 * reaches it: each misuse is refused with its reason and, when it is the layer's misuse, a
 * LayerFault; the fabric's own refusals are no LayerFault; what a layer passes is copied.
 */
import type { EnvEvent, EnvTransport } from '../../src/core/env/contract';
import { contractEnv } from '../../src/core/env/contract';
import type { SendWr, WorkCompletion } from '../../src/core/verbs';

const MEMORY_WORDS = 4;

/** A contract env of host A with 2 paths and 4 words, on a transport that logs every call. */
function harness(fabric: { refusePost?: string; refusePostRecv?: string } = {}) {
  const events: EnvEvent[] = [];
  const calls: unknown[][] = [];
  const words = new Array<number>(MEMORY_WORDS).fill(0);
  const transport: EnvTransport = {
    host: 'A',
    paths: 2,
    memoryWords: MEMORY_WORDS,
    record: (e) => void events.push(e),
    post: (path, wr) => (calls.push(['post', path, wr]), fabric.refusePost),
    posted: (path, wr) => void calls.push(['posted', path, wr]),
    postRecv: (path, wr) => (calls.push(['postRecv', path, wr]), fabric.refusePostRecv),
    reset: (path, sqPsn, rqPsn) => void calls.push(['reset', path, sqPsn, rqPsn]),
    moveToError: (path) => void calls.push(['moveToError', path]),
    setTimer: (delayNs, token) => void calls.push(['setTimer', delayNs, token]),
    sendControl: (msg) => void calls.push(['sendControl', msg]),
    word: (addr) => words[addr],
    setWord: (addr, value) => void (words[addr] = value),
    now: () => 1234,
  };
  const contract = contractEnv(transport);
  const faults = () =>
    events.filter((e) => e.kind === 'LayerFault').map((e) => e.kind === 'LayerFault' && `${e.during}: ${e.reason}`);
  return { env: contract.env, contract, events, calls, words, faults };
}

const write = (id: number): SendWr => ({ id, opcode: 'WRITE', addr: 0, value: 7 });
const ok = (id: number, opcode: WorkCompletion['opcode'] = 'WRITE'): WorkCompletion => ({
  wrId: id,
  status: 'SUCCESS',
  opcode,
});

describe('the LayerEnv contract: posts', () => {
  it('rule: a post on a path that does not exist is refused, recorded with ok: false, and is a LayerFault', () => {
    for (const path of [2, -1]) {
      const h = harness();
      h.contract.appPostedSend(1);
      const reason = `path ${String(path)} does not exist (paths are 0..1)`;
      expect(h.env.post(path, write(1))).toEqual({ ok: false, error: reason });
      expect(h.events).toEqual([
        { kind: 'Post', host: 'A', path, wr: write(1), ok: false, error: reason },
        { kind: 'LayerFault', host: 'A', during: 'post', reason },
      ]);
      expect(h.calls).toEqual([]);
    }
  });

  it('rule: a path that is not an integer is a LayerFault alone (a trace file cannot hold it as a path)', () => {
    for (const path of [1.5, NaN, '0' as unknown as number]) {
      const h = harness();
      h.contract.appPostedSend(1);
      const reason = `path ${String(path)} does not exist (paths are 0..1)`;
      expect(h.env.post(path, write(1))).toEqual({ ok: false, error: reason });
      expect(h.env.postRecv(path, { id: -1 })).toEqual({ ok: false, error: reason });
      expect(h.events).toEqual([
        { kind: 'LayerFault', host: 'A', during: 'post', reason },
        { kind: 'LayerFault', host: 'A', during: 'postRecv', reason },
      ]);
    }
  });

  it('rule: a value that is no work request, or a WR field of the wrong type, is a LayerFault naming the field, and no Post is recorded', () => {
    const cases: [unknown, string][] = [
      [7, 'a work request must be an object with id and opcode (got number 7)'],
      [null, 'a work request must be an object with id and opcode (got null)'],
      [[1], 'a work request must be an object with id and opcode (got a list)'],
      [{ id: -1, opcode: 'WRITE', addr: '3' }, 'wr.addr 3 is not a number (leave it out, or give a word address)'],
      [
        { id: -1, opcode: 'WRITE', value: 1.5 },
        'wr.value 1.5 is not a safe integer (leave it out, or give a whole number)',
      ],
      [
        { id: -1, opcode: 'FETCH_ADD', add: NaN },
        'wr.add NaN is not a safe integer (leave it out, or give a whole number)',
      ],
      [
        { id: -1, opcode: 'CMP_SWAP', compare: 2 ** 53 },
        'wr.compare 9007199254740992 is not a safe integer (leave it out, or give a whole number)',
      ],
      [
        { id: -1, opcode: 'CMP_SWAP', swap: {} },
        'wr.swap an object is not a safe integer (leave it out, or give a whole number)',
      ],
      [
        { id: -1, opcode: 'WRITE_WITH_IMM', imm: null },
        'wr.imm null is not a safe integer (leave it out, or give a whole number)',
      ],
      [{ id: -1, opcode: 'WRITE', signaled: 1 }, 'wr.signaled 1 is not true or false'],
      [{ id: -1, opcode: 'WRITE', fence: 'yes' }, 'wr.fence yes is not true or false'],
      [{ id: -1, opcode: 'WRITE', noRetransmit: 0 }, 'wr.noRetransmit 0 is not true or false'],
      [{ id: -1, opcode: 'SEND', payload: 5 }, 'wr.payload 5 is not a list of safe integers'],
      [{ id: -1, opcode: 'SEND', payload: [1, 'x'] }, 'wr.payload a list is not a list of safe integers'],
    ];
    for (const [wr, reason] of cases) {
      const h = harness();
      expect(h.env.post(0, wr as SendWr)).toEqual({ ok: false, error: reason });
      expect(h.events).toEqual([{ kind: 'LayerFault', host: 'A', during: 'post', reason }]);
      expect(h.calls).toEqual([]);
    }
  });

  it('rule: a fractional wr.addr is no misuse (a misaligned address: the NIC answers it with REM_INV_REQ_ERR)', () => {
    const h = harness();
    expect(h.env.post(0, { id: -1, opcode: 'CMP_SWAP', addr: 2.5, compare: 0, swap: 1 })).toEqual({ ok: true });
    expect(h.faults()).toEqual([]);
  });

  it('rule: a value that is no receive work request is a LayerFault, and no PostRecv is recorded', () => {
    const h = harness();
    expect(h.env.postRecv(0, 3 as unknown as { id: number })).toEqual({
      ok: false,
      error: 'a receive work request must be an object with an id (got number 3)',
    });
    expect(h.events).toEqual([
      {
        kind: 'LayerFault',
        host: 'A',
        during: 'postRecv',
        reason: 'a receive work request must be an object with an id (got number 3)',
      },
    ]);
  });

  it('rule: a WR id >= 0 the application never posted is refused as a LayerFault; once posted by the application it goes through', () => {
    const h = harness();
    const reason = 'WR 1 is not an application WR of host A; WRs a layer invents use negative ids';
    expect(h.env.post(0, write(1))).toEqual({ ok: false, error: reason });
    expect(h.faults()).toEqual([`post: ${reason}`]);
    h.contract.appPostedSend(1);
    expect(h.env.post(0, write(1))).toEqual({ ok: true });
    expect(h.events.at(-1)).toEqual({ kind: 'Post', host: 'A', path: 0, wr: write(1), ok: true });
  });

  it('rule: a WR the layer invents (negative id) needs no application post', () => {
    const h = harness();
    expect(h.env.post(1, write(-3))).toEqual({ ok: true });
    expect(h.faults()).toEqual([]);
    expect(h.calls).toEqual([
      ['post', 1, write(-3)],
      ['posted', 1, write(-3)],
    ]);
  });

  it('rule: a wr.id that is not an integer is refused as a LayerFault', () => {
    const h = harness();
    expect(h.env.post(0, write(0.5))).toEqual({ ok: false, error: 'wr.id 0.5 is not an integer' });
    expect(h.faults()).toEqual(['post: wr.id 0.5 is not an integer']);
  });

  it('rule: an opcode that does not exist is refused as a LayerFault', () => {
    const h = harness();
    const bad = { id: -1, opcode: 'NOPE' } as unknown as SendWr;
    expect(h.env.post(0, bad)).toEqual({ ok: false, error: 'wr.opcode NOPE is not an opcode' });
    expect(h.faults()).toEqual(['post: wr.opcode NOPE is not an opcode']);
  });

  it('rule: the fabric refusing a post (e.g. a QP not in RTS) is recorded with its reason, and is no LayerFault', () => {
    const h = harness({ refusePost: 'QP 0 is in ERR' });
    expect(h.env.post(0, write(-1))).toEqual({ ok: false, error: 'QP 0 is in ERR' });
    expect(h.events).toEqual([{ kind: 'Post', host: 'A', path: 0, wr: write(-1), ok: false, error: 'QP 0 is in ERR' }]);
    expect(h.calls.map((c) => c[0])).toEqual(['post']); // no 'posted'
  });

  it('rule: an accepted post is recorded before what follows it on the fabric (posted)', () => {
    const order: string[] = [];
    const contract = contractEnv({
      host: 'A',
      paths: 1,
      memoryWords: 1,
      record: (e) => void order.push(`record ${e.kind}`),
      post: () => void order.push('post'),
      posted: () => void order.push('posted'),
      postRecv: () => undefined,
      reset: () => undefined,
      moveToError: () => undefined,
      setTimer: () => undefined,
      sendControl: () => undefined,
      word: () => 0,
      setWord: () => undefined,
      now: () => 0,
    });
    contract.env.post(0, write(-1));
    expect(order).toEqual(['post', 'record Post', 'posted']);
  });

  it('rule: a posted WR is a private copy (payload too): changing it afterwards changes neither the record nor the fabric', () => {
    const h = harness();
    const wr: SendWr = { id: -1, opcode: 'SEND', payload: [1, 2] };
    h.env.post(0, wr);
    wr.payload!.push(3);
    wr.id = -9;
    expect(h.events[0]).toMatchObject({ kind: 'Post', wr: { id: -1, payload: [1, 2] } });
    expect(h.calls[0][2]).toEqual({ id: -1, opcode: 'SEND', payload: [1, 2] });
  });

  it('rule: RECVs follow the same rules (path, application RECV id, integer id); the fabric refusing one is no LayerFault', () => {
    const h = harness();
    expect(h.env.postRecv(5, { id: -1 })).toEqual({ ok: false, error: 'path 5 does not exist (paths are 0..1)' });
    expect(h.env.postRecv(0, { id: 3 })).toEqual({
      ok: false,
      error: 'RECV 3 is not an application RECV of host A; RECVs a layer invents use negative ids',
    });
    expect(h.env.postRecv(0, { id: 'x' as unknown as number })).toEqual({
      ok: false,
      error: 'wr.id x is not an integer',
    });
    expect(h.faults()).toEqual([
      'postRecv: path 5 does not exist (paths are 0..1)',
      'postRecv: RECV 3 is not an application RECV of host A; RECVs a layer invents use negative ids',
      'postRecv: wr.id x is not an integer',
    ]);
    h.contract.appPostedRecv(3);
    expect(h.env.postRecv(0, { id: 3 })).toEqual({ ok: true });

    const refused = harness({ refusePostRecv: 'QP 1 is in RESET' });
    expect(refused.env.postRecv(1, { id: -2 })).toEqual({ ok: false, error: 'QP 1 is in RESET' });
    expect(refused.faults()).toEqual([]);
  });
});

describe('the LayerEnv contract: reset, deliveries', () => {
  it('rule: resetting a path that does not exist is a LayerFault and nothing is reset; a real path is recorded, then reset', () => {
    const h = harness();
    h.env.reset(3);
    expect(h.events).toEqual([
      { kind: 'LayerFault', host: 'A', during: 'reset', reason: 'path 3 does not exist (paths are 0..1)' },
    ]);
    expect(h.calls).toEqual([]);
    h.env.reset(1);
    expect(h.events.at(-1)).toEqual({ kind: 'Reset', host: 'A', path: 1, sqPsn: 0, rqPsn: 0 });
    expect(h.calls).toEqual([['reset', 1, 0, 0]]);
  });

  it('rule: a reset chooses its initial PSNs explicitly (default 0 each) and records them; they are 24-bit', () => {
    const h = harness();
    h.env.reset(0, { sqPsn: 0xffffff, rqPsn: 5 });
    h.env.reset(1, { rqPsn: 7 });
    expect(h.events).toEqual([
      { kind: 'Reset', host: 'A', path: 0, sqPsn: 0xffffff, rqPsn: 5 },
      { kind: 'Reset', host: 'A', path: 1, sqPsn: 0, rqPsn: 7 },
    ]);
    expect(h.calls).toEqual([
      ['reset', 0, 0xffffff, 5],
      ['reset', 1, 0, 7],
    ]);
    const bad = harness();
    bad.env.reset(0, { sqPsn: 0x1000000 });
    bad.env.reset(0, { rqPsn: 1.5 });
    bad.env.reset(0, null as unknown as { sqPsn: number });
    expect(bad.faults()).toEqual([
      'reset: sqPsn 16777216 is not a PSN (PSNs are 24-bit: integers 0..16777215)',
      'reset: rqPsn 1.5 is not a PSN (PSNs are 24-bit: integers 0..16777215)',
      "reset: reset's PSNs must be an object { sqPsn?, rqPsn? } (got null)",
    ]);
    expect(bad.calls).toEqual([]);
  });

  it('rule: moveToError on a path that does not exist is a LayerFault; a real path is recorded, then moved to ERR', () => {
    const h = harness();
    h.env.moveToError(2);
    expect(h.faults()).toEqual(['moveToError: path 2 does not exist (paths are 0..1)']);
    expect(h.calls).toEqual([]);
    h.env.moveToError(0);
    expect(h.events.at(-1)).toEqual({ kind: 'MoveToError', host: 'A', path: 0 });
    expect(h.calls).toEqual([['moveToError', 0]]);
  });

  it('rule: a value that is no work completion is refused as a LayerFault and not recorded as a delivery', () => {
    const cases: [unknown, string][] = [
      [null, 'a completion must be an object with wrId, status and opcode (got null)'],
      [
        7,
        'a completion must be an object with wrId, status and opcode (got number 7); pass the completion itself, e.g. env.deliver(wc), not its wrId',
      ],
      [{ wrId: 1.5, status: 'SUCCESS', opcode: 'WRITE' }, 'wc.wrId 1.5 is not an integer'],
      [{ wrId: 1, status: 'FINE', opcode: 'WRITE' }, 'wc.status FINE is not a completion status'],
      [{ wrId: 1, status: 'SUCCESS', opcode: 'JUMP' }, 'wc.opcode JUMP is neither an opcode nor RECV'],
      [[1], 'a completion must be an object with wrId, status and opcode (got a list)'],
      [
        { wrId: 1, status: 'SUCCESS', opcode: 'READ', value: '5' },
        'wc.value 5 is not a safe integer (leave it out, or give a whole number)',
      ],
      [
        { wrId: 1, status: 'SUCCESS', opcode: 'RECV', imm: 0.5 },
        'wc.imm 0.5 is not a safe integer (leave it out, or give a whole number)',
      ],
      [{ wrId: 1, status: 'SUCCESS', opcode: 'RECV', withImm: 'true' }, 'wc.withImm true is not true or false'],
      [
        { wrId: 1, status: 'SUCCESS', opcode: 'RECV', payload: [Infinity] },
        'wc.payload a list is not a list of safe integers',
      ],
    ];
    for (const [wc, reason] of cases) {
      const h = harness();
      h.contract.appPostedSend(1);
      h.env.deliver(wc as WorkCompletion);
      expect(h.events).toEqual([{ kind: 'LayerFault', host: 'A', during: 'deliver', reason }]);
    }
  });

  it('rule: delivering a completion for a WR the application never posted is recorded, then a LayerFault', () => {
    const h = harness();
    h.env.deliver(ok(9));
    expect(h.events).toEqual([
      { kind: 'Deliver', host: 'A', wc: ok(9) },
      {
        kind: 'LayerFault',
        host: 'A',
        during: 'deliver',
        reason: 'delivered a completion for WR 9, which the application never posted',
      },
    ]);
  });

  it('rule: a second completion for the same WR (or RECV) is recorded, then a LayerFault; WR and RECV ids are separate', () => {
    const h = harness();
    h.contract.appPostedSend(1);
    h.contract.appPostedRecv(1);
    h.env.deliver(ok(1));
    h.env.deliver(ok(1, 'RECV'));
    expect(h.faults()).toEqual([]);
    h.env.deliver({ ...ok(1), status: 'WR_FLUSH_ERR' });
    h.env.deliver(ok(1, 'RECV'));
    expect(h.faults()).toEqual([
      'deliver: delivered a second completion for WR 1',
      'deliver: delivered a second completion for RECV 1',
    ]);
    expect(h.events.filter((e) => e.kind === 'Deliver')).toHaveLength(4);
  });

  it('rule: a delivered completion is a private copy (payload too)', () => {
    const h = harness();
    h.contract.appPostedRecv(2);
    const wc: WorkCompletion = { wrId: 2, status: 'SUCCESS', opcode: 'RECV', payload: [5] };
    h.env.deliver(wc);
    wc.payload!.push(6);
    wc.status = 'REM_OP_ERR';
    expect(h.events[0]).toEqual({
      kind: 'Deliver',
      host: 'A',
      wc: { wrId: 2, status: 'SUCCESS', opcode: 'RECV', payload: [5] },
    });
  });
});

describe('the LayerEnv contract: attributed deliveries (a message the layer received itself)', () => {
  const recvOk = (id: number, value = 11): WorkCompletion => ({ wrId: id, status: 'SUCCESS', opcode: 'RECV', value });

  it("rule: deliver(wc, { forWr }) of a SUCCESS RECV completion records forWr, the peer's WR whose message it carries", () => {
    const h = harness();
    h.contract.appPostedRecv(1);
    h.contract.appPostedRecv(2);
    h.env.deliver(recvOk(1), { forWr: 7 });
    h.env.deliver(recvOk(2));
    expect(h.events).toEqual([
      { kind: 'Deliver', host: 'A', wc: recvOk(1), forWr: 7 },
      { kind: 'Deliver', host: 'A', wc: recvOk(2) },
    ]);
    expect(h.faults()).toEqual([]);
  });

  it("rule: forWr on a completion of the application's own send WR is a LayerFault; the completion is delivered, unattributed", () => {
    const h = harness();
    h.contract.appPostedSend(1);
    h.env.deliver(ok(1), { forWr: 7 });
    expect(h.events).toEqual([
      { kind: 'Deliver', host: 'A', wc: ok(1) },
      {
        kind: 'LayerFault',
        host: 'A',
        during: 'deliver',
        reason:
          "forWr 7 attributes a received message, but this completes the application's own WRITE WR 1; only a RECV completion takes forWr",
      },
    ]);
  });

  it('rule: forWr on an error RECV completion is a LayerFault (an error completion received nothing); delivered unattributed', () => {
    const h = harness();
    h.contract.appPostedRecv(1);
    const flushed: WorkCompletion = { wrId: 1, status: 'WR_FLUSH_ERR', opcode: 'RECV' };
    h.env.deliver(flushed, { forWr: 7 });
    expect(h.events).toEqual([
      { kind: 'Deliver', host: 'A', wc: flushed },
      {
        kind: 'LayerFault',
        host: 'A',
        during: 'deliver',
        reason:
          'forWr 7 attributes a received message, but RECV 1 completes WR_FLUSH_ERR (an error completion received nothing); deliver it without forWr',
      },
    ]);
  });

  it('rule: a forWr that is not an integer is a LayerFault; the completion is delivered, unattributed', () => {
    for (const forWr of [1.5, '7', NaN]) {
      const h = harness();
      h.contract.appPostedRecv(1);
      h.env.deliver(recvOk(1), { forWr: forWr as number });
      expect(h.events).toEqual([
        { kind: 'Deliver', host: 'A', wc: recvOk(1) },
        {
          kind: 'LayerFault',
          host: 'A',
          during: 'deliver',
          reason: `forWr ${String(forWr)} is not a WR id (an integer)`,
        },
      ]);
    }
  });

  it('rule: an attributed delivery obeys the delivery rules too (a RECV the application never posted is a LayerFault)', () => {
    const h = harness();
    h.env.deliver(recvOk(4), { forWr: 7 });
    expect(h.events[0]).toEqual({ kind: 'Deliver', host: 'A', wc: recvOk(4), forWr: 7 });
    expect(h.faults()).toEqual(['deliver: delivered a completion for RECV 4, which the application never posted']);
  });
});

describe('the LayerEnv contract: timers and control messages', () => {
  it('rule: a timer delay must be a finite number >= 0 and its token a string, else a LayerFault and no timer', () => {
    const h = harness();
    h.env.setTimer(NaN, 't');
    h.env.setTimer(-1, 't');
    h.env.setTimer(Infinity, 't');
    h.env.setTimer('5' as unknown as number, 't');
    h.env.setTimer(5, 7 as unknown as string);
    expect(h.faults()).toEqual([
      'setTimer: setTimer needs a delay >= 0 ns and a string token (got NaN, string)',
      'setTimer: setTimer needs a delay >= 0 ns and a string token (got -1, string)',
      'setTimer: setTimer needs a delay >= 0 ns and a string token (got Infinity, string)',
      'setTimer: setTimer needs a delay >= 0 ns and a string token (got 5, string)',
      'setTimer: setTimer needs a delay >= 0 ns and a string token (got 5, number)',
    ]);
    expect(h.calls).toEqual([]);
    h.env.setTimer(0, 'now');
    expect(h.events.at(-1)).toEqual({ kind: 'SetTimer', host: 'A', delayNs: 0, token: 'now' });
    expect(h.calls).toEqual([['setTimer', 0, 'now']]);
  });

  it('rule: a control message must be JSON data (no cycle, BigInt or function), else a LayerFault and nothing is sent', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [unknown, RegExp][] = [
      [cyclic, /^control messages must be plain JSON data \(TypeError: Converting circular structure to JSON/],
      [10n, /^control messages must be plain JSON data \(TypeError: Do not know how to serialize a BigInt\)$/],
      [() => 1, /^control messages must be plain JSON data \(TypeError: a function is not JSON data\)$/],
    ];
    for (const [msg, reason] of cases) {
      const h = harness();
      h.env.sendControl(msg);
      expect(h.events).toHaveLength(1);
      expect(h.events[0]).toMatchObject({
        kind: 'LayerFault',
        during: 'sendControl',
        reason: expect.stringMatching(reason),
      });
      expect(h.calls).toEqual([]);
    }
  });

  it('rule: a control message is deep-copied as JSON (undefined fields dropped, undefined itself becomes null)', () => {
    const h = harness();
    const msg = { wr: 3, list: [1, 2], skip: undefined };
    h.env.sendControl(msg);
    msg.list.push(3);
    h.env.sendControl(undefined);
    expect(h.events).toEqual([
      { kind: 'SendControl', host: 'A', msg: { wr: 3, list: [1, 2] } },
      { kind: 'SendControl', host: 'A', msg: null },
    ]);
    expect(h.calls).toEqual([
      ['sendControl', { wr: 3, list: [1, 2] }],
      ['sendControl', null],
    ]);
  });
});

describe('the LayerEnv contract: local memory', () => {
  it('rule: an address outside 0..memoryWords-1 is a LayerFault; the operation returns 0 and records nothing', () => {
    const h = harness();
    h.words[0] = 42;
    expect(h.env.memory.read(4)).toBe(0);
    expect(h.env.memory.fetchAdd(-1, 1)).toBe(0);
    expect(h.env.memory.cmpSwap(1.5, 0, 1)).toBe(0);
    h.env.memory.write(NaN, 1);
    expect(h.faults()).toEqual([
      "memory.read: address 4 is outside this host's memory (0..3)",
      "memory.fetchAdd: address -1 is outside this host's memory (0..3)",
      "memory.cmpSwap: address 1.5 is outside this host's memory (0..3)",
      "memory.write: address NaN is outside this host's memory (0..3)",
    ]);
    expect(h.words).toEqual([42, 0, 0, 0]);
  });

  it('rule: a value, add, compare or swap that is not a safe integer is a LayerFault and the word is left alone', () => {
    const h = harness();
    h.env.memory.write(0, 1.5);
    expect(h.env.memory.fetchAdd(0, NaN)).toBe(0);
    expect(h.env.memory.cmpSwap(0, 2 ** 53, 1)).toBe(0);
    expect(h.env.memory.cmpSwap(0, 0, Infinity)).toBe(0);
    expect(h.faults()).toEqual([
      'memory.write: value 1.5 is not a safe integer (a memory word holds one)',
      'memory.fetchAdd: add NaN is not a safe integer (a memory word holds one)',
      'memory.cmpSwap: compare 9007199254740992 is not a safe integer (a memory word holds one)',
      'memory.cmpSwap: swap Infinity is not a safe integer (a memory word holds one)',
    ]);
    expect(h.words).toEqual([0, 0, 0, 0]);
  });

  it('rule: forWr attributes an effect to a peer WR: recorded when given, absent when not, a LayerFault when not an integer', () => {
    const h = harness();
    h.env.memory.write(1, 5, { forWr: 7 });
    h.env.memory.write(1, 6);
    h.env.memory.fetchAdd(1, 1, { forWr: 'x' as unknown as number });
    expect(h.events).toEqual([
      { kind: 'MemOp', host: 'A', op: 'write', addr: 1, value: 5, old: 0, forWr: 7 },
      { kind: 'MemOp', host: 'A', op: 'write', addr: 1, value: 6, old: 5 },
      { kind: 'LayerFault', host: 'A', during: 'memory.fetchAdd', reason: 'forWr x is not a WR id (an integer)' },
    ]);
  });

  it("rule: memory.read(addr, { forWr }) serves the peer's READ forWr: recorded with forWr; a forWr that is not an integer is a LayerFault and reads nothing", () => {
    const h = harness();
    h.words[3] = 9;
    expect(h.env.memory.read(3, { forWr: 2 })).toBe(9);
    expect(h.env.memory.read(3, { forWr: 2.5 })).toBe(0);
    expect(h.events).toEqual([
      { kind: 'MemOp', host: 'A', op: 'read', addr: 3, old: 9, forWr: 2 },
      { kind: 'LayerFault', host: 'A', during: 'memory.read', reason: 'forWr 2.5 is not a WR id (an integer)' },
    ]);
  });

  it('rule: memory operations have RDMA semantics and record the old value (fetchAdd adds, cmpSwap swaps only when equal)', () => {
    const h = harness();
    h.words[2] = 10;
    expect(h.env.memory.fetchAdd(2, 5)).toBe(10);
    expect(h.env.memory.cmpSwap(2, 99, 1)).toBe(15);
    expect(h.env.memory.cmpSwap(2, 15, 1, { forWr: 4 })).toBe(15);
    expect(h.env.memory.read(2)).toBe(1);
    expect(h.events).toEqual([
      { kind: 'MemOp', host: 'A', op: 'fetchAdd', addr: 2, add: 5, old: 10 },
      { kind: 'MemOp', host: 'A', op: 'cmpSwap', addr: 2, compare: 99, swap: 1, old: 15 },
      { kind: 'MemOp', host: 'A', op: 'cmpSwap', addr: 2, compare: 15, swap: 1, old: 15, forWr: 4 },
      { kind: 'MemOp', host: 'A', op: 'read', addr: 2, old: 1 },
    ]);
  });

  it('the env answers host, paths, memoryWords and now() from its transport', () => {
    const { env } = harness();
    expect([env.host, env.paths, env.memoryWords, env.now()]).toEqual(['A', 2, MEMORY_WORDS, 1234]);
  });
});
