/**
 * The cases of scripts/native-fuzz.js: every entry point of the native addon with its receiver,
 * valid arguments and the slots (argument or option) a mutation may replace, each with the word
 * its error must name and which values are valid there; and the pool of hostile values.
 */
'use strict';
const fc = require('fast-check');

const FLAGS = ['LOCAL_WRITE', 'REMOTE_WRITE', 'REMOTE_READ', 'REMOTE_ATOMIC'];
const OPCODES = ['WRITE', 'WRITE_WITH_IMM', 'READ', 'SEND', 'SEND_WITH_IMM', 'CMP_SWAP', 'FETCH_ADD'];
const STATES = ['RESET', 'INIT', 'RTR', 'RTS', 'SQD', 'SQE', 'ERR'];

// ------------------------------------------------------------------ what a valid part is

const int = (min, max) => (v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const u64 = (v) =>
  (typeof v === 'bigint' && v >= -(2n ** 63n) && v < 2n ** 64n) || (typeof v === 'number' && Number.isSafeInteger(v));
const bool = (v) => typeof v === 'boolean';
const oneOf = (list) => (v) => list.includes(v);
const accessList = (v) => v === undefined || (Array.isArray(v) && v.every((f) => FLAGS.includes(f)));
const byteView = (v) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) && v.byteLength > 0;
/** Anything: a part whose validity depends on the others (an opcode, a whole list). */
const lenient = () => true;

/**
 * A slot: where in the argument list a part sits (`at`: argument index, then keys), the word
 * its error message must contain, and which values are valid there.
 */
const slot = (at, word, valid, required = true) => ({ at, word, valid, required });

// ------------------------------------------------------------------ the entry points

/** Every entry point with its receiver, valid arguments and slots; `fresh` receivers are made per call. */
function entryPoints(addon, h) {
  const isOpen = (cls) => (v) => v instanceof addon[cls] && !h.closed.has(v);
  const sge = (mr, length = 8) => ({ mr, offset: 0, length });
  const ep = [
    { api: 'getDevices', call: (args) => addon.getDevices(...args), args: () => [], slots: [] },
    {
      api: 'openDevice',
      call: (args) => addon.openDevice(...args),
      args: () => [h.device ?? 'rdmacheck-no-such-device'],
      slots: [slot([0], 'name', (v) => typeof v === 'string')],
    },
  ];
  for (const cls of ['Context', 'Pd', 'Mr', 'Cq', 'Qp']) {
    ep.push({ api: cls, construct: true, call: (args) => new addon[cls](...args), args: () => [], slots: [] });
  }
  // Getters: V8 does not check their receiver's class (it does a method's), the addon does.
  const accessors = { Context: ['name', 'closed'], Mr: ['lkey', 'rkey', 'addr', 'length', 'buffer'], Qp: ['qpNum'] };
  for (const [cls, names] of Object.entries(accessors)) {
    for (const name of names) {
      const getter = Object.getOwnPropertyDescriptor(addon[cls].prototype, name).get;
      ep.push({
        api: `${cls}.${name}`,
        accessor: true,
        self: () => ({ Context: h.ctx, Mr: h.mr, Qp: h.qp })[cls],
        call: (args, receiver) => getter.apply(receiver, args),
        args: () => [],
        slots: [],
      });
    }
  }
  if (!h.ctx) return ep;
  const method = (api, self, name, args, slots, fresh = false) => ({
    api,
    self,
    fresh,
    // The class's own method, whatever the receiver is (receiver[name] would be the receiver's).
    call: (args2, receiver) => addon[api.split('.')[0]].prototype[name].apply(receiver, args2),
    args,
    slots,
  });
  ep.push(
    method(
      'Context.queryPort',
      () => h.ctx,
      'queryPort',
      () => [1],
      [slot([0], 'port', int(1, 255))],
    ),
    method(
      'Context.queryGid',
      () => h.ctx,
      'queryGid',
      () => [1, 0],
      [slot([0], 'port', int(1, 255)), slot([1], 'index', int(0, 65535))],
    ),
    method(
      'Context.asyncEvents',
      () => h.ctx,
      'asyncEvents',
      () => [],
      [],
    ),
    method(
      'Context.allocPd',
      () => h.ctx,
      'allocPd',
      () => [],
      [],
    ),
    method(
      'Context.createCq',
      () => h.ctx,
      'createCq',
      () => [4],
      [slot([0], 'cqe', int(1, 65536))],
    ),
    method(
      'Context.close',
      () => addon.openDevice(h.spareDevice),
      'close',
      () => [],
      [],
      true,
    ),
    method(
      'Pd.regMr',
      () => h.pd,
      'regMr',
      () => [new Uint8Array(16), ['LOCAL_WRITE']],
      [
        slot([0], 'buffer', byteView),
        slot([1], 'access', accessList, false),
        slot([1, 0], 'access flag', oneOf(FLAGS)),
      ],
    ),
    method(
      'Pd.createQp',
      () => h.pd,
      'createQp',
      () => [{ sendCq: h.cq, recvCq: h.cq, maxSendWr: 4, maxRecvWr: 4, maxSendSge: 1, sqSigAll: false }],
      [
        slot([0], 'options', lenient),
        slot([0, 'sendCq'], 'sendCq', isOpen('Cq')),
        slot([0, 'recvCq'], 'recvCq', isOpen('Cq')),
        slot([0, 'maxSendWr'], 'maxSendWr', int(0, 65536)),
        slot([0, 'maxRecvWr'], 'maxRecvWr', int(0, 65536)),
        slot([0, 'maxSendSge'], 'maxSendSge', int(0, 32), false),
        slot([0, 'sqSigAll'], 'sqSigAll', bool, false),
      ],
    ),
    method(
      'Pd.close',
      () => h.ctx.allocPd(),
      'close',
      () => [],
      [],
      true,
    ),
    method(
      'Mr.close',
      () => h.pd.regMr(new Uint8Array(8), []),
      'close',
      () => [],
      [],
      true,
    ),
    method(
      'Cq.poll',
      () => h.cq,
      'poll',
      () => [4],
      [slot([0], 'max', int(1, 1024), false)],
    ),
    method(
      'Cq.close',
      () => h.ctx.createCq(2),
      'close',
      () => [],
      [],
      true,
    ),
    method(
      'Qp.modify',
      () => h.qp,
      'modify',
      () => [{ state: 'INIT', pkeyIndex: 0, portNum: 1, access: ['REMOTE_WRITE'] }],
      [
        slot([0], 'attributes', lenient),
        slot([0, 'state'], 'state', oneOf(STATES)),
        slot([0, 'pkeyIndex'], 'pkeyIndex', int(0, 0xffff), false),
        slot([0, 'portNum'], 'portNum', int(0, 255), false),
        slot([0, 'access'], 'access', accessList, false),
      ],
    ),
    method(
      'Qp.modify',
      () => h.qp,
      'modify',
      () => [
        {
          state: 'RTR',
          pathMtu: 1024,
          destQpNum: 0x211,
          rqPsn: 0,
          maxDestRdAtomic: 1,
          minRnrTimer: 12,
          ah: { dgid: '0'.repeat(32), sgidIndex: 0, portNum: 1, hopLimit: 64 },
        },
      ],
      [
        slot([0, 'pathMtu'], 'pathMtu', oneOf([256, 512, 1024, 2048, 4096]), false),
        slot([0, 'destQpNum'], 'destQpNum', int(0, 0xffffff), false),
        slot([0, 'minRnrTimer'], 'minRnrTimer', int(0, 31), false),
        slot([0, 'ah'], 'ah', lenient, false),
        slot([0, 'ah', 'dgid'], 'dgid', (v) => typeof v === 'string' && /^[0-9a-fA-F]{32}$/.test(v), false),
        slot([0, 'ah', 'sgidIndex'], 'sgidIndex', int(0, 255)),
        slot([0, 'ah', 'hopLimit'], 'hopLimit', int(0, 255), false),
      ],
    ),
    method(
      'Qp.query',
      () => h.qp,
      'query',
      () => [],
      [],
    ),
    method(
      'Qp.postSend',
      () => h.qp,
      'postSend',
      () => [[{ wrId: 1, opcode: 'WRITE', local: sge(h.mr), remoteAddr: 0n, rkey: 1, signaled: true }]],
      [
        slot([0], 'work request', lenient),
        slot([0, 0], 'work request', lenient),
        slot([0, 0, 'wrId'], 'wrId', u64),
        slot([0, 0, 'opcode'], 'opcode', oneOf(OPCODES)),
        slot([0, 0, 'local'], 'local', lenient, false),
        slot([0, 0, 'local', 'mr'], 'mr', isOpen('Mr')),
        slot([0, 0, 'local', 'offset'], 'offset', int(0, 0xffffffff), false),
        slot([0, 0, 'local', 'length'], 'length', int(0, 64)),
        slot([0, 0, 'remoteAddr'], 'remoteAddr', u64),
        slot([0, 0, 'rkey'], 'rkey', int(0, 0xffffffff)),
        slot([0, 0, 'signaled'], 'signaled', bool, false),
      ],
    ),
    method(
      'Qp.postSend',
      () => h.qp,
      'postSend',
      () => [[{ wrId: 2n, opcode: 'CMP_SWAP', local: sge(h.mr, 8), remoteAddr: 8, rkey: 1, compareAdd: 0, swap: 1 }]],
      [slot([0, 0, 'compareAdd'], 'compareAdd', u64), slot([0, 0, 'swap'], 'swap', u64)],
    ),
    method(
      'Qp.postRecv',
      () => h.qp,
      'postRecv',
      () => [[{ wrId: 3, local: sge(h.mr, 16) }]],
      [
        slot([0, 0], 'work request', lenient),
        slot([0, 0, 'wrId'], 'wrId', u64),
        slot([0, 0, 'local', 'mr'], 'mr', isOpen('Mr')),
        slot([0, 0, 'local', 'length'], 'length', int(0, 64)),
      ],
    ),
    method(
      'Qp.close',
      () => h.spareQp(),
      'close',
      () => [],
      [],
      true,
    ),
  );
  return ep;
}

// ------------------------------------------------------------------ hostile values

function hostileValues(addon, h) {
  const handles = [h.ctx, h.pd, h.cq, h.mr, h.qp, ...h.closed].filter((x) => x !== undefined);
  const lookAlikes = ['Context', 'Pd', 'Mr', 'Cq', 'Qp'].map((c) => Object.create(addon[c].prototype));
  const constants = [
    undefined,
    null,
    true,
    false,
    NaN,
    Infinity,
    -Infinity,
    -0,
    -1,
    0.5,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    -(2 ** 53),
    Number.MAX_VALUE,
    0n,
    -1n,
    2n ** 64n,
    2n ** 80n,
    '',
    'RTS',
    'LOCAL_WRITE',
    'f'.repeat(32),
    'x'.repeat(100000),
    Symbol('s'),
    {},
    [],
    [1],
    [[]],
    () => 1,
    new Date(0),
    new Proxy({}, {}),
    new Proxy([], {}),
    new ArrayBuffer(0),
    new ArrayBuffer(1),
    new Uint8Array(0),
    new Uint8Array(7),
    new Float64Array(3),
    new DataView(new ArrayBuffer(5)),
    Buffer.alloc(9),
    Object.create(null),
    ...handles,
    ...lookAlikes,
  ];
  const leaf = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...constants) },
    { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 33 }) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }) },
  );
  return fc.oneof(
    { weight: 8, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('state', 'mr', 'length', 'wrId', 'zz'), leaf) },
  );
}

module.exports = { entryPoints, hostileValues };
