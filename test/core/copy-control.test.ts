/**
 * copyControl copies a control message as the management network carries it: exactly what a
 * JSON round trip gives (undefined fields dropped, undefined in arrays null, -0 as 0, NaN null,
 * toJSON honoured), a private copy, and the same refusal for what JSON cannot write.
 */
import fc from 'fast-check';
import { copyControl } from '../../src/core/env/rules';

/** The JSON round trip copyControl was written as (and still takes for what is not plain). */
function roundTrip(msg: unknown): unknown {
  const text = JSON.stringify(msg ?? null);
  if (text === undefined) throw new TypeError(`a ${typeof msg} is not JSON data`);
  return JSON.parse(text) as unknown;
}

/** Data with the values JSON treats specially mixed in. */
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(undefined, null, NaN, -Infinity, -0, 0, 1.5, '', 'x', true, () => 1, Symbol('s')),
    fc.integer(),
    fc.string(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', '1', '__proto__', 'toJSON'), tie('value'), { maxKeys: 3 }),
    fc.constant(new Date(0)),
    fc.constant(new Map([[1, 2]])),
  ),
})).value;

describe('copyControl', () => {
  it('gives what a JSON round trip gives, key order included', () => {
    fc.assert(
      fc.property(data, (x) => {
        let expected: unknown;
        try {
          expected = roundTrip(x);
        } catch (e) {
          expect(() => copyControl(x)).toThrow((e as Error).message);
          return;
        }
        const copy = copyControl(x);
        expect(JSON.stringify(copy)).toBe(JSON.stringify(expected));
        expect(copy).toStrictEqual(expected);
      }),
      { numRuns: 3_000 },
    );
  });

  it('returns a private copy', () => {
    const msg = { a: [1, { b: 2 }] };
    const copy = copyControl(msg) as typeof msg;
    expect(copy).toEqual(msg);
    expect(copy).not.toBe(msg);
    expect(copy.a[1]).not.toBe(msg.a[1]);
  });

  it('refuses what JSON cannot write, with JSON own words', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => copyControl(cycle)).toThrow(/circular/);
    expect(() => copyControl({ n: BigInt(1) })).toThrow(/BigInt/);
    expect(() => copyControl(() => 1)).toThrow('a function is not JSON data');
  });
});
