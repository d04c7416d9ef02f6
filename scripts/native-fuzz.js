#!/usr/bin/env node
/**
 * Argument fuzzing of every entry point of the native addon (adapters/native/src), with
 * fast-check: each call gets valid arguments with one part replaced by a hostile value (wrong
 * type, NaN, negative, huge, BigInt, empty or odd-sized buffers, objects, proxies, handles of
 * the wrong class or already closed), a required part removed, an unknown option added, an extra
 * argument, or an arbitrary argument list; and the methods are called on receivers of the wrong
 * class. The rules checked (a broken one is a violation):
 *   - a call with a bad argument throws a TypeError or RangeError whose message starts with the
 *     entry point ("Qp.postSend: ...") and names the argument; a wrong receiver is refused by V8
 *     itself ("TypeError: Illegal invocation") before the addon runs;
 *   - any other throw is a TypeError/RangeError naming the entry point or a verbs Error (verb,
 *     errno, code): the device's own refusal of a well-typed call;
 *   - the process never crashes (the caller runs this in a child process and checks its exit).
 * Plain JavaScript (not TypeScript) so that it starts fast under valgrind (npm run
 * leakcheck:native runs it there). With a device (the fabric's simulated libibverbs, see
 * test/native/addon-fuzz.test.ts) every class is exercised; without one, the module entry
 * points, the constructors and the methods on look-alike receivers.
 *
 *   node scripts/native-fuzz.js [--runs N] [--seed S] [--cycles N]   # one JSON line, exit 1 on a violation
 */
'use strict';
const path = require('path');
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

// ------------------------------------------------------------------ one call and its judgement

function get(args, at) {
  let v = args;
  for (const k of at) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[k];
  }
  return v;
}

/** Sets (or with `remove`, deletes) the part at `at`; false when its parent is not an object. */
function put(args, at, value, remove = false) {
  const parent = get(args, at.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return false;
  if (remove) delete parent[at[at.length - 1]];
  else parent[at[at.length - 1]] = value;
  return true;
}

/** A short printable form of a hostile value (some have no toString at all). */
function describe(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'string') return v.length > 40 ? `'${v.slice(0, 20)}...' (${v.length} chars)` : `'${v}'`;
  if (v !== null && (typeof v === 'object' || typeof v === 'function')) {
    const proto = Object.getPrototypeOf(v);
    return proto === null ? 'Object.create(null)' : (proto.constructor?.name ?? 'object');
  }
  return String(v);
}

/** Why `err` breaks the rules for a call to `api` (undefined when it does not). */
function judge(api, err, expect) {
  const isTypeError = err instanceof TypeError || err instanceof RangeError;
  const verbsError = err instanceof Error && typeof err.verb === 'string' && typeof err.errno === 'number';
  const msg = err instanceof Error ? err.message : String(err);
  if (expect.receiver) {
    if (!(err instanceof TypeError)) return `a wrong receiver gave ${err?.name}: ${msg}`;
    return undefined;
  }
  if (expect.bad) {
    if (!isTypeError) return `expected a TypeError, got ${err?.name}: ${msg}`;
    if (!msg.startsWith(api)) return `the message does not start with '${api}': ${msg}`;
    if (expect.word && !msg.toLowerCase().includes(expect.word.toLowerCase()))
      return `the message does not name '${expect.word}': ${msg}`;
    return undefined;
  }
  if (isTypeError && msg.startsWith(api.split('.')[0])) return undefined;
  if (verbsError) return undefined;
  return `unexpected ${err?.name}: ${msg}`;
}

/** Closes whatever a successful call returned that holds a resource (not the shared handles). */
function release(result, h) {
  if (result && typeof result === 'object' && typeof result.close === 'function' && !h.shared.has(result)) {
    try {
      result.close();
    } catch {
      // already closed with its parent
    }
  }
}

const ARG_KEYS = ['zz', 'stateX', 'lenght'];

function mutationArb(ep, hostile) {
  const options = [
    fc.record({ kind: fc.constant('random'), args: fc.array(hostile, { maxLength: 4 }) }),
    fc.record({ kind: fc.constant('extra'), value: hostile }),
  ];
  if (!ep.construct && ep.api.includes('.')) options.push(fc.record({ kind: fc.constant('receiver'), value: hostile }));
  if (ep.slots.length > 0) {
    options.push(
      fc.record({ kind: fc.constant('replace'), slot: fc.constantFrom(...ep.slots), value: hostile }),
      fc.record({ kind: fc.constant('remove'), slot: fc.constantFrom(...ep.slots) }),
      fc.record({
        kind: fc.constant('unknownKey'),
        slot: fc.constantFrom(...ep.slots),
        key: fc.constantFrom(...ARG_KEYS),
      }),
    );
  }
  return fc.oneof(...options);
}

/** Runs one mutated call; returns what it was and a violation, if any. */
function runOne(ep, m, h, stats) {
  let args = ep.args();
  let receiver = ep.self ? ep.self() : undefined;
  const expect = { bad: false, word: undefined, receiver: false };
  let label = m.kind;
  switch (m.kind) {
    case 'random':
      args = m.args;
      label = `random(${m.args.map(describe).join(', ')})`;
      break;
    case 'extra':
      args.push(m.value);
      expect.bad = true;
      expect.word = ep.construct ? undefined : 'argument';
      label = `extra argument ${describe(m.value)}`;
      break;
    case 'receiver': {
      const sameClass = m.value instanceof h.addon[ep.api.split('.')[0]];
      // An open handle of the right class is no wrong receiver (and closing a shared one would end the run).
      if (sameClass && !h.closed.has(m.value)) return undefined;
      if (ep.fresh) release(receiver, h);
      receiver = m.value;
      // A closed handle of the right class: the addon's own TypeError; any other: V8's receiver check.
      // close() twice is a no-op by design.
      if (sameClass) expect.bad = !ep.api.endsWith('.close');
      else expect.receiver = true;
      label = `receiver ${sameClass ? 'closed ' : ''}${describe(m.value)}`;
      break;
    }
    case 'replace':
      if (!put(args, m.slot.at, m.value)) return undefined;
      expect.bad = !m.slot.valid(m.value);
      expect.word = m.slot.word;
      label = `${m.slot.at.join('.')} = ${describe(m.value)}`;
      break;
    case 'remove':
      if (!put(args, m.slot.at, undefined, true)) return undefined;
      expect.bad = m.slot.required;
      expect.word = m.slot.word;
      label = `without ${m.slot.at.join('.')}`;
      break;
    case 'unknownKey': {
      const target = get(args, m.slot.at);
      if (target === null || typeof target !== 'object' || Array.isArray(target) || ArrayBuffer.isView(target))
        return undefined;
      if (h.shared.has(target) || Object.getPrototypeOf(target) !== Object.prototype) return undefined;
      target[m.key] = 1;
      expect.bad = true;
      expect.word = m.key;
      label = `unknown key ${m.slot.at.join('.')}.${m.key}`;
      break;
    }
  }
  stats.calls++;
  if (expect.bad || expect.receiver) stats.badCalls++;
  let violation;
  try {
    const result = ep.construct ? ep.call(args) : ep.call(args, receiver);
    if (expect.bad || expect.receiver) violation = 'returned instead of throwing';
    if (ep.construct) violation = 'a direct construction succeeded';
    release(result, h);
  } catch (err) {
    stats.threw++;
    violation = judge(ep.construct ? `${ep.api}:` : ep.api, err, expect);
  }
  if (ep.fresh && m.kind !== 'receiver') release(receiver, h);
  return violation === undefined ? undefined : `${ep.api} ${label}: ${violation}`;
}

// ------------------------------------------------------------------ the handles and the run

/** The devices, or none where the kernel has no RDMA at all (getDevices then throws ENOSYS). */
function deviceNames(addon) {
  try {
    return addon.getDevices().map((d) => d.name);
  } catch (err) {
    if (err && err.verb === 'ibv_get_device_list') return [];
    throw err;
  }
}

/** Opens the handles the calls use (when a device exists) and a closed one of every class. */
function openHandles(addon) {
  const h = { addon, closed: new Set(), shared: new Set() };
  const devices = deviceNames(addon);
  if (devices.length === 0) return h;
  h.device = devices[0];
  // A second device (the fabric has two) for the closed handles and fresh QPs: the fabric allows
  // one QP per device and process.
  h.spareDevice = devices[1] ?? devices[0];
  h.ctx = addon.openDevice(h.device);
  h.pd = h.ctx.allocPd();
  h.cq = h.ctx.createCq(16);
  h.mr = h.pd.regMr(new Uint8Array(64), ['LOCAL_WRITE', 'REMOTE_WRITE']);
  h.qp = h.pd.createQp({ sendCq: h.cq, recvCq: h.cq, maxSendWr: 8, maxRecvWr: 8 });
  for (const x of [h.ctx, h.pd, h.cq, h.mr, h.qp]) h.shared.add(x);
  h.spareCtx = addon.openDevice(h.spareDevice);
  const spare = { pd: h.spareCtx.allocPd(), cq: h.spareCtx.createCq(4) };
  h.spareQp = () => spare.pd.createQp({ sendCq: spare.cq, recvCq: spare.cq, maxSendWr: 1, maxRecvWr: 1 });
  const ctx = addon.openDevice(h.spareDevice);
  const pd = ctx.allocPd();
  const cq = ctx.createCq(4);
  const mr = pd.regMr(new ArrayBuffer(8), []);
  const qp = pd.createQp({ sendCq: cq, recvCq: cq, maxSendWr: 1, maxRecvWr: 1 });
  ctx.close(); // closes its dependents first: a closed handle of every class
  for (const x of [ctx, pd, cq, mr, qp]) h.closed.add(x);
  return h;
}

/** Fuzzes every entry point `runs` times; returns the counts and the violations found. */
function fuzzAddon(addon, { runs = 100, seed = 42 } = {}) {
  const h = openHandles(addon);
  const hostile = hostileValues(addon, h);
  const stats = { device: h.device ?? null, entryPoints: 0, calls: 0, badCalls: 0, threw: 0, violations: [] };
  const eps = entryPoints(addon, h);
  stats.entryPoints = new Set(eps.map((e) => e.api)).size;
  for (const [k, ep] of eps.entries()) {
    if (process.env.RDMACHECK_FUZZ_TRACE) process.stderr.write(`native-fuzz: ${ep.api}\n`);
    fc.assert(
      fc.property(mutationArb(ep, hostile), (m) => {
        const v = runOne(ep, m, h, stats);
        if (v !== undefined && stats.violations.length < 50) stats.violations.push(v);
      }),
      { numRuns: runs, seed: seed + k },
    );
  }
  for (const x of [h.qp, h.spareCtx, h.ctx]) x?.close();
  return stats;
}

/** Open/close cycles of every class, for the leak check: each one released on its own and with its parent. */
function cycles(addon, n) {
  const devices = deviceNames(addon);
  if (devices.length === 0) return 0;
  for (let i = 0; i < n; i++) {
    const ctx = addon.openDevice(devices[0]);
    const pd = ctx.allocPd();
    const cq = ctx.createCq(4);
    const mr = pd.regMr(new Uint8Array(32), ['LOCAL_WRITE']);
    const qp = pd.createQp({ sendCq: cq, recvCq: cq, maxSendWr: 2, maxRecvWr: 2 });
    if (i % 2 === 0) {
      qp.close();
      mr.close();
      cq.close();
      pd.close();
    }
    ctx.close();
  }
  return n;
}

module.exports = { fuzzAddon, cycles };

if (require.main === module) {
  const arg = (name, fallback) => {
    const k = process.argv.indexOf(name);
    return k > 0 ? Number(process.argv[k + 1]) : fallback;
  };
  const file =
    process.env.RDMACHECK_NATIVE_ADDON ??
    path.join(__dirname, '..', 'adapters', 'native', 'build', 'Release', 'rdmacheck_verbs.node');
  const addon = require(file);
  const stats = fuzzAddon(addon, { runs: arg('--runs', 100), seed: arg('--seed', 42) });
  stats.cycles = cycles(addon, arg('--cycles', 0));
  // Handles dropped without close(): the garbage collector's finalizers release them.
  if (global.gc) {
    (() => {
      const d = deviceNames(addon)[0];
      if (d) addon.openDevice(d).allocPd();
    })();
    global.gc();
  }
  process.stdout.write(JSON.stringify(stats) + '\n');
  process.exitCode = stats.violations.length === 0 ? 0 : 1;
}
