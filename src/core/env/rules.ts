/**
 * Every rule a LayerEnv enforces, each as a function returning why a call breaks it (or
 * undefined). A broken rule is the layer's misuse of the contract: the env refuses the call and
 * records a LayerFault with this reason. The texts are part of the trace, so every adapter (and
 * the observation replay) must take them from here: one wording, one judgement.
 */
import type { LayerHost, RecvWr, SendWr, WorkCompletion } from '../verbs';
import { OPCODES, PSN_MODULUS, WC_STATUSES } from '../verbs';

/** Why `path` is not a path of a fabric with `paths` paths. */
export function badPath(path: unknown, paths: number): string | undefined {
  return Number.isInteger(path) && (path as number) >= 0 && (path as number) < paths
    ? undefined
    : `path ${String(path)} does not exist (paths are 0..${paths - 1})`;
}

/** The optional integer fields of a send WR besides addr, each a safe integer when present (the trace file's types). */
const WR_INT_FIELDS = ['value', 'add', 'compare', 'swap', 'imm'] as const;
/** The optional flag fields of a send WR, each true or false when present. */
const WR_FLAG_FIELDS = ['signaled', 'fence', 'noRetransmit'] as const;

/**
 * Why `wr` is not a send work request at all (checked before it is copied or recorded): not an
 * object, a field of the wrong type. Every field is checked against the type the trace file
 * holds, so whatever a layer posts can be written down and read back.
 */
export function malformedSendWr(wr: unknown): string | undefined {
  if (typeof wr !== 'object' || wr === null || Array.isArray(wr))
    return `a work request must be an object with id and opcode (got ${describeGot(wr)})`;
  const fields = wr as Record<string, unknown>;
  if (!Number.isSafeInteger(fields.id)) return `wr.id ${describeValue(fields.id)} is not an integer`;
  if (!(OPCODES as readonly unknown[]).includes(fields.opcode))
    return `wr.opcode ${describeValue(fields.opcode)} is not an opcode`;
  // A fractional addr is a misaligned address: the NIC answers it (REM_INV_REQ_ERR), it is no misuse.
  if (fields.addr !== undefined && !Number.isFinite(fields.addr))
    return `wr.addr ${describeValue(fields.addr)} is not a number (leave it out, or give a word address)`;
  return optionalFieldsMisuse('wr', fields, WR_INT_FIELDS, WR_FLAG_FIELDS);
}

/** Why `wr` is not a receive work request (an object with an integer id). */
export function malformedRecvWr(wr: unknown): string | undefined {
  if (typeof wr !== 'object' || wr === null || Array.isArray(wr))
    return `a receive work request must be an object with an id (got ${describeGot(wr)})`;
  const { id } = wr as Record<string, unknown>;
  return Number.isSafeInteger(id) ? undefined : `wr.id ${describeValue(id)} is not an integer`;
}

/**
 * Why the `psns` of reset(path, psns) are not initial PSNs: an object (or nothing) whose sqPsn and
 * rqPsn, when given, are 24-bit PSNs (integers 0..2^24-1).
 */
export function badResetPsns(psns: unknown): string | undefined {
  if (psns === undefined) return undefined;
  if (typeof psns !== 'object' || psns === null)
    return `reset's PSNs must be an object { sqPsn?, rqPsn? } (got ${psns === null ? 'null' : typeof psns})`;
  for (const name of ['sqPsn', 'rqPsn'] as const) {
    const psn = (psns as Record<string, unknown>)[name];
    if (psn !== undefined && !(Number.isInteger(psn) && (psn as number) >= 0 && (psn as number) < PSN_MODULUS))
      return `${name} ${String(psn)} is not a PSN (PSNs are 24-bit: integers 0..${PSN_MODULUS - 1})`;
  }
  return undefined;
}

/**
 * Why a layer may not post the well-formed `wr` on `path` (appIds: the application's WR ids on
 * `host`): the path does not exist, or the id is the application's and it never posted it.
 */
export function postMisuse(
  host: LayerHost,
  path: number,
  paths: number,
  wr: SendWr,
  appIds: ReadonlySet<number>,
): string | undefined {
  const pathErr = badPath(path, paths);
  if (pathErr) return pathErr;
  if (wr.id >= 0 && !appIds.has(wr.id))
    return `WR ${wr.id} is not an application WR of host ${host}; WRs a layer invents use negative ids`;
  return undefined;
}

/** Why a layer may not post the well-formed RECV `wr` on `path` (appIds: the application's RECV ids on `host`). */
export function postRecvMisuse(
  host: LayerHost,
  path: number,
  paths: number,
  wr: RecvWr,
  appIds: ReadonlySet<number>,
): string | undefined {
  const pathErr = badPath(path, paths);
  if (pathErr) return pathErr;
  if (wr.id >= 0 && !appIds.has(wr.id))
    return `RECV ${wr.id} is not an application RECV of host ${host}; RECVs a layer invents use negative ids`;
  return undefined;
}

/** The optional integer fields of a work completion. */
const WC_INT_FIELDS = ['value', 'imm'] as const;

/**
 * Why `wc` is not a work completion a layer may deliver (checked before it is copied): not an
 * object (e.g. `env.deliver(wc.wrId)`), or a field of the wrong type.
 */
export function malformedCompletion(wc: unknown): string | undefined {
  if (typeof wc !== 'object' || wc === null || Array.isArray(wc)) {
    // The usual slip: env.deliver(wc.wrId). Say what to pass instead.
    const hint = typeof wc === 'number' ? '; pass the completion itself, e.g. env.deliver(wc), not its wrId' : '';
    return `a completion must be an object with wrId, status and opcode (got ${describeGot(wc)})${hint}`;
  }
  const fields = wc as Record<string, unknown>;
  const { wrId, status, opcode } = fields;
  if (!Number.isSafeInteger(wrId)) return `wc.wrId ${describeValue(wrId)} is not an integer`;
  if (!(WC_STATUSES as readonly unknown[]).includes(status))
    return `wc.status ${describeValue(status)} is not a completion status`;
  if (opcode !== 'RECV' && !(OPCODES as readonly unknown[]).includes(opcode))
    return `wc.opcode ${describeValue(opcode)} is neither an opcode nor RECV`;
  return optionalFieldsMisuse('wc', fields, WC_INT_FIELDS, ['withImm']);
}

/** The first optional field of `fields` (named `prefix`.field) with the wrong type: integers, flags, payload. */
function optionalFieldsMisuse(
  prefix: string,
  fields: Record<string, unknown>,
  ints: readonly string[],
  flags: readonly string[],
): string | undefined {
  for (const name of ints) {
    const v = fields[name];
    if (v !== undefined && !Number.isSafeInteger(v))
      return `${prefix}.${name} ${describeValue(v)} is not a safe integer (leave it out, or give a whole number)`;
  }
  for (const name of flags) {
    const v = fields[name];
    if (v !== undefined && typeof v !== 'boolean') return `${prefix}.${name} ${describeValue(v)} is not true or false`;
  }
  const payload = fields.payload;
  if (payload !== undefined && !(Array.isArray(payload) && payload.every((x) => Number.isSafeInteger(x))))
    return `${prefix}.payload ${describeValue(payload)} is not a list of safe integers`;
  return undefined;
}

/** A value that should have been an object, with its type: "number 7", "a list", "null". */
function describeGot(v: unknown): string {
  return typeof v === 'object' || typeof v === 'function' ? describeValue(v) : `${typeof v} ${describeValue(v)}`;
}

/** A value as a reason shows it: lists, objects and functions named, long strings cut, the rest as String() does. */
function describeValue(v: unknown): string {
  if (typeof v === 'string') return v === '' ? '""' : v.length > 30 ? `${v.slice(0, 27)}...` : v;
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'function') return 'a function';
  return String(v);
}

/**
 * Why delivering a completion for `wrId` breaks the contract: the application never posted it,
 * or it already had its completion (each WR and each RECV gets exactly one).
 */
export function deliverMisuse(
  isRecv: boolean,
  wrId: number,
  appIds: ReadonlySet<number>,
  delivered: ReadonlySet<number>,
): string | undefined {
  const what = isRecv ? 'RECV' : 'WR';
  if (!appIds.has(wrId)) return `delivered a completion for ${what} ${wrId}, which the application never posted`;
  if (delivered.has(wrId)) return `delivered a second completion for ${what} ${wrId}`;
  return undefined;
}

/** Why setTimer(delayNs, token) is refused: the delay must be a finite number >= 0, the token a string. */
export function timerMisuse(delayNs: unknown, token: unknown): string | undefined {
  return Number.isFinite(delayNs) && (delayNs as number) >= 0 && typeof token === 'string'
    ? undefined
    : `setTimer needs a delay >= 0 ns and a string token (got ${String(delayNs)}, ${typeof token})`;
}

/** Largest control message, in characters of JSON: a management message, not a bulk channel. */
export const MAX_CONTROL_CHARS = 65_536;

/**
 * A private deep copy of a control message, as the management network carries it: plain JSON
 * data (undefined becomes null). Throws when `msg` is not JSON data (a cycle, a BigInt, a function).
 */
export function copyControl(msg: unknown): unknown {
  // The walk below gives what the JSON round trip gives, without the text (a layer that talks
  // over the control channel on every WR spent a noticeable share of its audit here); anything
  // it does not handle itself (toJSON, class instances, BigInt, cycles) takes the round trip.
  // The walk counts at most the JSON text's length (every string, number and key, plus one per
  // value for punctuation); over the limit it gives up and the round trip below measures exactly.
  copyBudget = MAX_CONTROL_CHARS;
  const fast = copyJsonData(msg ?? null, 0);
  if (fast !== NOT_PLAIN) return fast;
  const text = JSON.stringify(msg ?? null);
  if (text === undefined) throw new TypeError(`a ${typeof msg} is not JSON data`);
  if (text.length > MAX_CONTROL_CHARS)
    throw new RangeError(`a message of ${text.length} characters of JSON is over the limit of ${MAX_CONTROL_CHARS}`);
  return JSON.parse(text) as unknown;
}

const NOT_PLAIN = Symbol('not plain JSON data');

/** Characters of JSON the current fast copy may still produce (a module counter: no allocation). */
let copyBudget = 0;

/** JSON.parse(JSON.stringify(x)) for plain data, or NOT_PLAIN (deep, odd or not plain). */
function copyJsonData(x: unknown, depth: number): unknown {
  if (--copyBudget < 0) return NOT_PLAIN;
  switch (typeof x) {
    case 'string':
      copyBudget -= x.length + 1;
      return copyBudget < 0 ? NOT_PLAIN : x;
    case 'boolean':
      return x;
    case 'number':
      copyBudget -= 24; // at most a number's JSON length
      return Number.isFinite(x) ? x + 0 : null; // -0 becomes 0, NaN and the infinities null
    case 'object': {
      if (x === null) return null;
      if (depth > 64) return NOT_PLAIN;
      if (Array.isArray(x)) {
        const out = new Array<unknown>(x.length);
        for (let k = 0; k < x.length; k++) {
          const v = x[k];
          const c =
            v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : copyJsonData(v, depth + 1);
          if (c === NOT_PLAIN) return NOT_PLAIN;
          out[k] = c;
        }
        return out;
      }
      const proto = Object.getPrototypeOf(x);
      if ((proto !== Object.prototype && proto !== null) || typeof (x as { toJSON?: unknown }).toJSON === 'function')
        return NOT_PLAIN;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x)) {
        if (k === '__proto__') return NOT_PLAIN; // an assignment would set the prototype
        copyBudget -= k.length + 3;
        const v = (x as Record<string, unknown>)[k];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        const c = copyJsonData(v, depth + 1);
        if (c === NOT_PLAIN) return NOT_PLAIN;
        out[k] = c;
      }
      return out;
    }
    default:
      return NOT_PLAIN; // undefined, function, symbol at the top; bigint anywhere
  }
}

/** Why a control message was refused, given what copyControl threw. */
export function controlRefusal(err: unknown): string {
  return `control messages must be plain JSON data (${String(err)})`;
}

/** Why `addr` is not a word of a memory of `words` words. */
export function badAddress(addr: unknown, words: number): string | undefined {
  return Number.isInteger(addr) && (addr as number) >= 0 && (addr as number) < words
    ? undefined
    : `address ${String(addr)} is outside this host's memory (0..${words - 1})`;
}

/** Why `value` (named `name`: value, add, compare, swap) cannot go into a memory word. */
export function badWordValue(name: string, value: unknown): string | undefined {
  return Number.isSafeInteger(value)
    ? undefined
    : `${name} ${String(value)} is not a safe integer (a memory word holds one)`;
}

/** Why the `forWr` of a memory operation cannot name a WR (it is recorded as given, or not at all). */
export function badForWr(forWr: unknown): string | undefined {
  return forWr === undefined || Number.isInteger(forWr)
    ? undefined
    : `forWr ${String(forWr)} is not a WR id (an integer)`;
}

/**
 * Why `forWr` cannot attribute the delivered completion `wc`: it must name a WR (an integer),
 * and only a SUCCESS RECV completion carries a received message (a completion of this host's own
 * send WR, or an error completion, received nothing that could be a peer WR's effect).
 */
export function deliverAttributionMisuse(wc: WorkCompletion, forWr: unknown): string | undefined {
  if (forWr === undefined) return undefined;
  const notAnId = badForWr(forWr);
  if (notAnId) return notAnId;
  if (wc.opcode !== 'RECV')
    return `forWr ${String(forWr)} attributes a received message, but this completes the application's own ${wc.opcode} WR ${wc.wrId}; only a RECV completion takes forWr`;
  if (wc.status !== 'SUCCESS')
    return `forWr ${String(forWr)} attributes a received message, but RECV ${wc.wrId} completes ${wc.status} (an error completion received nothing); deliver it without forWr`;
  return undefined;
}
