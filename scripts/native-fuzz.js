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

const { entryPoints, hostileValues } = require('./native-fuzz-cases');

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
  const options = [fc.record({ kind: fc.constant('random'), args: fc.array(hostile, { maxLength: 4 }) })];
  // A getter takes no arguments: extra ones are not passed to it by a property read.
  if (!ep.accessor) options.push(fc.record({ kind: fc.constant('extra'), value: hostile }));
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
  // The entry's own receiver is made only once the call is decided (a fresh one must be released).
  let receiver;
  let ownReceiver = true;
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
      receiver = m.value;
      ownReceiver = false;
      // A closed handle of the right class: the addon's own TypeError; any other: V8's receiver check.
      // close() twice is a no-op by design; of a closed handle, addr, length, buffer and closed
      // answer what they were (the others throw).
      if (sameClass) expect.bad = !ep.api.endsWith('.close') && !ep.accessor;
      else expect.receiver = true;
      label = `receiver ${sameClass ? 'closed ' : ''}${describe(m.value)}`;
      break;
    }
    case 'replace':
      if (!put(args, m.slot.at, m.value)) return undefined;
      // An optional part set to undefined is the part left out.
      expect.bad = !(m.value === undefined && !m.slot.required) && !m.slot.valid(m.value);
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
  if (ownReceiver && ep.self) receiver = ep.self();
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
  if (ep.fresh && ownReceiver) release(receiver, h);
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
