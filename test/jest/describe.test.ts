import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { properties } from '../../properties';
import { describeFailoverLayer, PROPERTY_NAMES } from '../../src/jest';
import type { AcceptedViolation } from '../../src/jest';
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
    const accept: AcceptedViolation[] = [{ property: 'at-most-once', reason: 'by design' }];
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

  test('accept[].property is typed as the property names, which are exactly those of properties.all', () => {
    expect([...PROPERTY_NAMES]).toEqual(properties.all.map((p) => p.name));
    // @ts-expect-error -- a misspelled property name does not compile
    const misspelled: AcceptedViolation = { property: 'failure-maskng', reason: 'typo' };
    expect(misspelled.property).toBe('failure-maskng');
  });

  test('a misspelled accept[].property or op class is refused at once, naming the entry and the choices', () => {
    const accept = [{ property: 'failure-maskng', reason: 'typo' }] as unknown as AcceptedViolation[];
    expect(() => capture(() => describeFailoverLayer(passThrough, { accept }))).toThrow(
      'describeFailoverLayer: accept[0].property "failure-maskng" is not a property under test; use one of: at-most-once, no-queue-sliding, sender-view-determinism, linearizability, failure-masking, completion-fidelity',
    );
    const notTested: AcceptedViolation[] = [{ property: 'linearizability', reason: 'not tested here' }];
    expect(() =>
      capture(() => describeFailoverLayer(passThrough, { properties: [properties.atMostOnce], accept: notTested })),
    ).toThrow(
      'describeFailoverLayer: accept[0].property "linearizability" is not a property under test; use one of: at-most-once',
    );
    const badOp = [{ property: 'at-most-once', opcodes: ['FADD'], reason: 'typo' }] as unknown as AcceptedViolation[];
    expect(() => capture(() => describeFailoverLayer(passThrough, { accept: badOp }))).toThrow(
      'describeFailoverLayer: accept[0].opcodes has FADD, which is not an op class; use: WRITE, READ, SEND, FETCH_ADD, CMP_SWAP, WRITE_WITH_IMM',
    );
  });

  test('faultKinds and badAddresses reach every check; an unknown kind is refused as the suite is declared', async () => {
    const options = { properties: [properties.atMostOnce], opcodes: ['FETCH_ADD' as const], numRuns: 50 };
    // resend-all executes a FETCH_ADD twice once a response is lost (the violation test above): with no faults, never.
    const calm = capture(() => describeFailoverLayer(resendAll, { ...options, faultKinds: [], badAddresses: false }));
    expect(await outcome(calm.tests[0].fn)).toBeUndefined();
    const faulty = capture(() =>
      describeFailoverLayer(resendAll, {
        ...options,
        faultKinds: ['drop-response'],
        outDir: mkdtempSync(join(tmpdir(), 'rdmacheck-describe-kinds-')),
      }),
    );
    expect((await outcome(faulty.tests[0].fn))?.message).toMatch(/^at-most-once violated by resend-all: /);
    expect(() => capture(() => describeFailoverLayer(resendAll, { faultKinds: ['drop-reponse' as never] }))).toThrow(
      'describeFailoverLayer: faultKinds: "drop-reponse" is not a fault kind; drawn kinds: drop-request, drop-response, delay, link-down, nic-death, qp-error, corrupt-wqe, control-loss',
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
