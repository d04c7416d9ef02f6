/**
 * Equality of plain data as canonical JSON sees it (history.ts `canonical`: sorted keys,
 * undefined dropped), without building the strings. The checker compares every decision of a
 * replay and of a twin run this way; building two canonical strings per comparison took about a
 * fifth of a completion-log audit (issue 13's profile), this allocates nothing. Anything JSON
 * treats specially (toJSON, Map, Set, bigint, non-plain objects) falls back to canonical itself,
 * so the answer is always the one `canonical(a) === canonical(b)` gives.
 */
import { canonical } from './history';

/** What JSON writes for a value inside an object: `undefined` when it drops the key. */
function inObject(v: unknown): unknown {
  return typeof v === 'function' || typeof v === 'symbol' ? undefined : v;
}

/** What JSON writes for a value inside an array: null for what it cannot write. */
function inArray(v: unknown): unknown {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v;
}

/** True when `x` is data this walk handles itself (else canonical decides). */
function plain(x: object): boolean {
  if (Array.isArray(x)) return true;
  const proto = Object.getPrototypeOf(x);
  return (proto === Object.prototype || proto === null) && typeof (x as { toJSON?: unknown }).toJSON !== 'function';
}

/** True when `a` and `b` have the same canonical JSON; `skip` names a top-level key to ignore. */
export function sameData(a: unknown, b: unknown, skip?: string): boolean {
  if (a === b) return typeof a !== 'bigint' || canonical(a) === canonical(b);
  if (typeof a === 'number' && typeof b === 'number') return Number.isFinite(a) || Number.isFinite(b) ? a === b : true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // Non-finite numbers and null all read "null"; anything else unequal by === differs.
    const nullish = (v: unknown) => v === null || (typeof v === 'number' && !Number.isFinite(v));
    if (nullish(a) && nullish(b)) return true;
    if (typeof a === 'bigint' || typeof b === 'bigint') return canonical(a) === canonical(b);
    return a === b;
  }
  if (!plain(a) || !plain(b)) return canonical(skipKey(a, skip)) === canonical(skipKey(b, skip));
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    if (a.length !== bs.length) return false;
    for (let k = 0; k < a.length; k++) if (!sameData(inArray(a[k]), inArray(bs[k]))) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let present = 0;
  for (const k in ao) {
    if (k === skip || !Object.prototype.hasOwnProperty.call(ao, k)) continue;
    const v = inObject(ao[k]);
    if (v === undefined) continue;
    present++;
    const w = Object.prototype.hasOwnProperty.call(bo, k) ? inObject(bo[k]) : undefined;
    if (w === undefined || !sameData(v, w)) return false;
  }
  for (const k in bo) {
    if (k === skip || !Object.prototype.hasOwnProperty.call(bo, k)) continue;
    if (inObject(bo[k]) !== undefined) present--;
  }
  return present === 0;
}

function skipKey(x: object, skip: string | undefined): unknown {
  if (skip === undefined || Array.isArray(x)) return x;
  const { [skip]: _dropped, ...rest } = x as Record<string, unknown>;
  return rest;
}
