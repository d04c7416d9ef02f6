import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findReferenceLayer, firstDivergence, replay } from '../../src/check/replay';
import { loadTrace } from '../../src/report/load';

const fixture = join(__dirname, '..', 'fixtures', 'resend-all.at-most-once.FETCH_ADD.yaml');

describe('replay (API)', () => {
  test('accepts a file path, YAML text or a counterexample object, with the same outcome', async () => {
    const fromFile = await replay(fixture);
    const fromText = await replay(readFileSync(fixture, 'utf8'));
    const fromObject = await replay(loadTrace(fixture));
    expect([fromFile.outcome, fromText.outcome, fromObject.outcome]).toEqual([
      'still-fails',
      'still-fails',
      'still-fails',
    ]);
    expect(fromText.trace).toEqual(fromFile.trace);
  });

  test('a fixed layer makes it pass; the divergence shows both events', async () => {
    const result = await replay(fixture, { layer: findReferenceLayer('fail-stop') });
    expect(result.outcome).toBe('now-passes');
    expect(result.divergence?.expected).toBeDefined();
    expect(result.divergence?.actual).toBeDefined();
    expect(result.divergence?.expected).not.toEqual(result.divergence?.actual);
  });

  test('an unknown layer or property is an error that says what to pass', async () => {
    const cx = loadTrace(fixture);
    await expect(replay({ ...cx, layer: 'my-own-layer' })).rejects.toThrow(
      'replay: "my-own-layer" is not a reference layer; pass { layer }',
    );
    await expect(replay({ ...cx, property: 'no-such-property' })).rejects.toThrow(
      /^replay: unknown property "no-such-property"; known: at-most-once/,
    );
    await expect(replay({ ...cx, adapter: 'native' })).rejects.toThrow(
      'replay: the counterexample was recorded on the "native" adapter; pass { adapter }',
    );
  });

  test('firstDivergence compares field by field, ignoring key order, and notices a shorter trace', () => {
    const a = loadTrace(fixture).trace;
    const reordered = a.map((e) => Object.fromEntries(Object.entries(e).reverse()) as typeof e);
    expect(firstDivergence(a, reordered)).toBeUndefined();
    expect(firstDivergence(a, a.slice(0, 3))).toEqual({ index: 3, expected: a[3] });
  });
});
