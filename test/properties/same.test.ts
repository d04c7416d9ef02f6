/**
 * sameData is canonical-JSON equality without the strings: on any data, including undefined
 * fields, reordered keys, non-finite numbers and non-plain objects, it answers what comparing
 * the two canonical strings answers.
 */
import fc from 'fast-check';
import { canonical } from '../../properties/support/history';
import { sameData } from '../../properties/support/same';

/** Plain data with the values JSON treats specially mixed in. */
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(undefined, null, NaN, Infinity, -0, 0, 1, 'a', true, false),
    fc.integer({ min: -3, max: 3 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'i'), tie('value'), { maxKeys: 3 }),
    fc.constant(new Date(0)),
  ),
})).value;

/** A value and a copy with its object keys in reverse order (same canonical JSON). */
function reordered(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(reordered);
  if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).reverse()) out[k] = reordered((x as Record<string, unknown>)[k]);
    return out;
  }
  return x;
}

describe('sameData', () => {
  it('agrees with comparing canonical JSON strings, on any two values', () => {
    fc.assert(
      fc.property(data, data, (a, b) => {
        expect(sameData(a, b)).toBe(canonical(a) === canonical(b));
      }),
      { numRuns: 2_000 },
    );
  });

  it('ignores key order and undefined fields', () => {
    fc.assert(
      fc.property(data, (a) => {
        expect(sameData(a, reordered(a))).toBe(true);
        expect(sameData({ x: a, y: undefined }, { x: reordered(a) })).toBe(true);
      }),
    );
  });

  it('ignores the named top-level key and only that one', () => {
    expect(sameData({ i: 1, kind: 'Post' }, { i: 2, kind: 'Post' }, 'i')).toBe(true);
    expect(sameData({ i: 1, kind: 'Post' }, { i: 1, kind: 'Reset' }, 'i')).toBe(false);
    expect(sameData({ a: { i: 1 } }, { a: { i: 2 } }, 'i')).toBe(false);
  });
});
