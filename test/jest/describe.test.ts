import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { properties } from '../../properties';
import { describeFailoverLayer } from '../../src/jest';
import { passThrough } from '../../src/layers/passThrough';
import { resendAll } from '../../src/layers/resendAll';
import { loadTrace } from '../../src/report/load';
import { slowRpc } from '../check/slowRpc';

/** The tests describeFailoverLayer declares, captured instead of registered with jest. */
interface Captured {
  suites: string[];
  tests: { name: string; fn: () => Promise<void>; timeoutMs?: number }[];
}

/** Runs describeFailoverLayer against stand-in jest globals and returns what it declared. */
function capture(run: () => void): Captured {
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = { describe: g.describe, test: g.test };
  const captured: Captured = { suites: [], tests: [] };
  g.describe = (name: string, fn: () => void) => {
    captured.suites.push(name);
    fn();
  };
  g.test = (name: string, fn: () => Promise<void>, timeoutMs?: number) => captured.tests.push({ name, fn, timeoutMs });
  try {
    run();
  } finally {
    g.describe = saved.describe;
    g.test = saved.test;
  }
  return captured;
}

/** The error a captured test throws, or undefined when it passes. */
async function outcome(fn: () => Promise<void>): Promise<Error | undefined> {
  try {
    await fn();
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

describe('describeFailoverLayer', () => {
  test('declares one describe block per layer and one test per property', () => {
    const c = capture(() => describeFailoverLayer(passThrough, { numRuns: 5 }));
    expect(c.suites).toEqual(['failover layer pass-through']);
    expect(c.tests.map((t) => t.name)).toEqual(properties.all.map((p) => `${p.name} holds`));
  });

  test('with byOpClass, one test per property and op class', () => {
    const c = capture(() =>
      describeFailoverLayer(passThrough, {
        properties: [properties.atMostOnce],
        byOpClass: true,
        opcodes: ['WRITE', 'READ'],
      }),
    );
    expect(c.tests.map((t) => t.name)).toEqual(['at-most-once [WRITE] holds', 'at-most-once [READ] holds']);
  });

  test('accepted violations are named as such', () => {
    const c = capture(() =>
      describeFailoverLayer(resendAll, {
        properties: [properties.atMostOnce],
        accept: [{ property: 'at-most-once', reason: 'resend-all re-posts everything' }],
      }),
    );
    expect(c.tests.map((t) => t.name)).toEqual([
      'at-most-once is violated, as accepted: resend-all re-posts everything',
    ]);
  });

  test('a property that holds gives a passing test', async () => {
    const c = capture(() =>
      describeFailoverLayer(passThrough, { properties: [properties.atMostOnce], opcodes: ['FETCH_ADD'], numRuns: 20 }),
    );
    expect(await outcome(c.tests[0].fn)).toBeUndefined();
  });

  test('a violation fails with the explanation, seed, replay command and lane chart, and writes the YAML', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'rdmacheck-jest-'));
    const c = capture(() =>
      describeFailoverLayer(resendAll, {
        properties: [properties.atMostOnce],
        opcodes: ['FETCH_ADD'],
        numRuns: 50,
        outDir,
      }),
    );
    const error = await outcome(c.tests[0].fn);
    expect(error).toBeDefined();
    const message = (error as Error).message;
    expect(message).toMatch(/^at-most-once violated by resend-all: /);
    expect(message).toMatch(/seed \d+, path "[\d:]+"/);
    expect(message).toMatch(/replay: npx rdmacheck replay \S+resend-all\.at-most-once\.yaml/);
    expect(message).toContain('app A   layer A');
    expect((error as Error).stack).toBe(message);
    const file = join(outDir, 'resend-all.at-most-once.yaml');
    expect(existsSync(file)).toBe(true);
    expect(loadTrace(file).property).toBe('at-most-once');
    expect(readFileSync(file, 'utf8')).toMatch(/^rdmacheck: 1$/m);
  });

  test('an accepted violation passes when found and fails once the layer no longer shows it', async () => {
    const accept = [{ property: 'at-most-once', reason: 'by design' }];
    const found = capture(() =>
      describeFailoverLayer(resendAll, {
        properties: [properties.atMostOnce],
        opcodes: ['FETCH_ADD'],
        numRuns: 50,
        accept,
      }),
    );
    expect(await outcome(found.tests[0].fn)).toBeUndefined();
    const gone = capture(() =>
      describeFailoverLayer(passThrough, {
        properties: [properties.atMostOnce],
        opcodes: ['FETCH_ADD'],
        numRuns: 20,
        accept,
      }),
    );
    expect((await outcome(gone.tests[0].fn))?.message).toMatch(
      /the accepted violation \("by design"\) no longer occurs in \d+ runs; if the layer was fixed, remove it from `accept`/,
    );
  });

  test('livenessNs gives a layer with millisecond timers the time it needs', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'rdmacheck-describe-liveness-'));
    const options = { properties: [properties.completionFidelity], opcodes: ['WRITE' as const], numRuns: 20, outDir };
    const tight = capture(() => describeFailoverLayer(slowRpc, options));
    expect((await outcome(tight.tests[0].fn))?.message).toMatch(/never completed.*give it more time: livenessNs/);
    const roomy = capture(() => describeFailoverLayer(slowRpc, { ...options, livenessNs: 50_000_000 }));
    expect(await outcome(roomy.tests[0].fn)).toBeUndefined();
  });

  test('outside jest (no globals) it says where to call it', () => {
    const g = globalThis as unknown as Record<string, unknown>;
    const saved = g.describe;
    g.describe = undefined;
    try {
      expect(() => describeFailoverLayer(passThrough)).toThrow(
        'describeFailoverLayer: jest globals (describe, test, expect) are not defined',
      );
    } finally {
      g.describe = saved;
    }
  });
});
