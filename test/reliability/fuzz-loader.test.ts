/**
 * Loader fuzzing: random mutations of valid trace files never crash the loader (only
 * TraceFileError), and whatever it accepts is valid: written back out, it reads back the same.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrace, TraceFileError } from '../../src/report/load';
import { counterexampleToYAML } from '../../src/report/codec';
import { FUZZ_RUNS } from './fuzz-runs';

const FIXTURES = join(__dirname, '..', 'fixtures');
const VALID = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));

/** One edit of a text: how a file gets damaged by hand, by a tool or on disk. */
type Mutation = (text: string) => string;

const position = fc.nat();
const noise = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(
    '-1',
    '1e400',
    'NaN',
    '.inf',
    '~',
    '[',
    '{',
    ']',
    '}',
    ':',
    '&a',
    '*a',
    '!!binary',
    '"',
    "'",
    '\t',
    '\0',
    '#',
  ),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(position, noise).map(
    ([p, s]): Mutation =>
      (t) =>
        t.slice(0, p % (t.length + 1)) + s + t.slice(p % (t.length + 1)),
  ),
  fc.tuple(position, fc.integer({ min: 1, max: 40 })).map(([p, n]): Mutation => (t) => {
    const at = p % (t.length + 1);
    return t.slice(0, at) + t.slice(at + n);
  }),
  position.map(
    (p): Mutation =>
      (t) =>
        t.slice(0, p % (t.length + 1)),
  ),
  fc.tuple(position, position).map(([a, b]): Mutation => (t) => {
    const lines = t.split('\n');
    const [x, y] = [a % lines.length, b % lines.length];
    [lines[x], lines[y]] = [lines[y], lines[x]];
    return lines.join('\n');
  }),
  fc.tuple(position, position).map(([a, b]): Mutation => (t) => {
    const lines = t.split('\n');
    lines.splice(b % (lines.length + 1), 0, lines[a % lines.length]);
    return lines.join('\n');
  }),
  // Replace one number by another: keeps the YAML valid, exercises ranges and time order.
  fc.tuple(position, fc.integer({ min: -5, max: 100000 })).map(([p, v]): Mutation => (t) => {
    const numbers = [...t.matchAll(/\b\d+\b/g)];
    if (numbers.length === 0) return t;
    const m = numbers[p % numbers.length];
    return t.slice(0, m.index) + String(v) + t.slice(m.index! + m[0].length);
  }),
);

test('mutated trace files: TraceFileError or a trace that survives a write and read back', () => {
  fc.assert(
    fc.property(fc.nat(VALID.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (k, edits) => {
      const text = edits.reduce((t, edit) => edit(t), VALID[k]);
      let loaded;
      try {
        loaded = parseTrace(text, { file: 'mutated.yaml' });
      } catch (e) {
        expect(e).toBeInstanceOf(TraceFileError);
        expect((e as Error).message.split('\n')).toHaveLength(1);
        expect((e as Error).message).toMatch(/^parseTrace: mutated\.yaml:\d+:\d+: /);
        return;
      }
      // Accepted: it must be a valid trace, so what rdmacheck writes from it reads back the same.
      const again = parseTrace(counterexampleToYAML(loaded), { file: 'rewritten.yaml' });
      expect(JSON.parse(JSON.stringify(again.trace))).toEqual(JSON.parse(JSON.stringify(loaded.trace)));
      expect(again.scenario).toEqual(loaded.scenario);
      // And it keeps the invariants validation stands for: numbered by position, in time order.
      loaded.trace.forEach((e, i) => expect(e.i).toBe(i));
      loaded.trace.reduce((before, e) => (expect(e.t).toBeGreaterThanOrEqual(before), e.t), 0);
    }),
    { numRuns: FUZZ_RUNS.loader, seed: 12 },
  );
});
