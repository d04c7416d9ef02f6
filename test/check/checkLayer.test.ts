import fc from 'fast-check';
import { sim } from '../../adapters/sim';
import { properties } from '../../properties';
import { checkLayer, counterexampleArbitrary } from '../../src/check';
import type { Verdict } from '../../src/core/property';
import type { Report } from '../../src/core/results';
import { OPCODES } from '../../src/core/verbs';
import { honest, randomPath, resendOnError, timerStorm } from '../properties/canaries';
import { removableParts, stepKinds } from './helpers';

const row = (r: Report, property: string, opcode?: string) =>
  r.results.find((x) => x.property === property && x.opcode === opcode)!;

describe('checkLayer', () => {
  let honestReport: Report;
  beforeAll(async () => {
    honestReport = await checkLayer(honest, { numRuns: 40 });
  });

  it('returns one result per property, and one per property and column: six op classes and mixed (the audit matrix)', () => {
    expect(honestReport).toMatchObject({ layer: 'honest-pass-through', adapter: 'sim', seed: 1 });
    expect(honestReport.results).toHaveLength(6 + 6 * 7);
    for (const p of properties.all) expect(row(honestReport, p.name, 'mixed')).toMatchObject({ opcode: 'mixed' });
    for (const p of properties.all) {
      expect(row(honestReport, p.name)).toBeDefined();
      for (const op of OPCODES) expect(row(honestReport, p.name, op)).toMatchObject({ property: p.name, opcode: op });
    }
  });

  it('passes a correct one-path layer on every safety property', () => {
    for (const p of [
      'at-most-once',
      'no-queue-sliding',
      'sender-view-determinism',
      'linearizability',
      'completion-fidelity',
    ]) {
      expect(row(honestReport, p)).toMatchObject({ status: 'holds', runs: 40 * 7 });
    }
  });

  it('finds that a one-path layer does not mask failures, and shrinks it to one WR and one fault', () => {
    const r = row(honestReport, 'failure-masking');
    expect(r.status).toBe('violated');
    expect(honestReport.ok).toBe(false);
    const cx = r.counterexample!;
    expect(cx.scenario.workload.filter((w) => w.kind === 'post')).toHaveLength(1);
    expect(cx.scenario.faults).toHaveLength(1);
    expect(cx).toMatchObject({ property: 'failure-masking', layer: 'honest-pass-through', adapter: 'sim', seed: 1 });
    expect(cx.path).toMatch(/^\d+(:\d+)*$/);
  });

  it('catches the double-FADD canary and shrinks it to the paper-sized trace: 1 FETCH_ADD, 1 fault, 1-minimal', async () => {
    const report = await checkLayer(resendOnError, {
      numRuns: 100,
      opcodes: ['FETCH_ADD'],
      properties: [properties.atMostOnce],
    });
    const cx = row(report, 'at-most-once', 'FETCH_ADD').counterexample!;
    expect(cx.explanation).toMatch(
      /\(FETCH_ADD \[\d\] \+\d\) executed twice at B: via path 0 at t=[\d.]+us and via path 1/,
    );
    expect(stepKinds(cx.scenario)).toEqual({ FETCH_ADD: 1 });
    expect(cx.scenario.faults).toHaveLength(1);
    expect(await removableParts(cx, resendOnError, properties.atMostOnce)).toEqual([]);
  });

  it('catches queue sliding with SENDs and shrinks to a 1-minimal scenario', async () => {
    const report = await checkLayer(resendOnError, {
      numRuns: 100,
      opcodes: ['SEND'],
      properties: [properties.noQueueSliding],
    });
    const cx = row(report, 'no-queue-sliding', 'SEND').counterexample!;
    expect(cx).toBeDefined();
    expect(await removableParts(cx, resendOnError, properties.noQueueSliding)).toEqual([]);
  });

  it("fast-check's seed and path, with the generator the counterexample records, replay it exactly", async () => {
    const report = await checkLayer(resendOnError, {
      numRuns: 50,
      opcodes: ['FETCH_ADD'],
      properties: [properties.atMostOnce],
      seed: 7,
    });
    const cx = row(report, 'at-most-once', 'FETCH_ADD').counterexample!;
    const arb = counterexampleArbitrary(cx);
    const details = fc.check(
      fc.property(
        arb,
        (s) => (properties.atMostOnce.check(sim().runSync!(s, resendOnError)) as Verdict).status !== 'violated',
      ),
      { seed: cx.seed, path: cx.path, numRuns: 1, endOnFailure: true },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexample![0]).toEqual(cx.scenario);
  });

  it("runs every scenario under CheckOptions.nic; the counterexample's generator records it, so seed and path replay it", async () => {
    const report = await checkLayer(resendOnError, {
      numRuns: 50,
      opcodes: ['FETCH_ADD'],
      properties: [properties.atMostOnce],
      nic: 'rxe',
    });
    const cx = row(report, 'at-most-once', 'FETCH_ADD').counterexample!;
    expect([cx.generator?.nic, cx.scenario.config?.nic, cx.config?.nic]).toEqual(['rxe', 'rxe', 'rxe']);
    const details = fc.check(
      fc.property(
        counterexampleArbitrary(cx),
        (s) => (properties.atMostOnce.check(sim().runSync!(s, resendOnError)) as Verdict).status !== 'violated',
      ),
      { seed: cx.seed, path: cx.path, numRuns: 1, endOnFailure: true },
    );
    expect(details.counterexample![0]).toEqual(cx.scenario);
  });

  it('is deterministic: the same seed gives the same report', async () => {
    const a = await checkLayer(resendOnError, { numRuns: 30, opcodes: ['WRITE'], seed: 99 });
    const b = await checkLayer(resendOnError, { numRuns: 30, opcodes: ['WRITE'], seed: 99 });
    expect(JSON.stringify(a)).toEqual(JSON.stringify(b));
  });

  it('renders each counterexample as YAML, text and Mermaid', () => {
    const cx = row(honestReport, 'failure-masking').counterexample!;
    expect(cx.toYAML()).toMatch(/rdmacheck: 1/);
    expect(cx.toText()).toMatch(/failure-masking violated/);
    expect(cx.toMermaid()).toMatch(/^sequenceDiagram/m);
  });

  it('catches the Math.random canary with sender-view-determinism', async () => {
    const report = await checkLayer(randomPath, {
      numRuns: 20,
      opcodes: ['WRITE'],
      properties: [properties.senderViewDeterminism],
    });
    expect(row(report, 'sender-view-determinism', 'WRITE').status).toBe('violated');
  });

  it('reports unknown, never holds, when runs hit the event limit', async () => {
    const report = await checkLayer(timerStorm, {
      numRuns: 5,
      opcodes: ['WRITE'],
      maxEvents: 300,
      properties: [properties.atMostOnce],
    });
    const r = row(report, 'at-most-once', 'WRITE');
    expect(r.status).toBe('unknown');
    expect(r.reason).toMatch(
      /5 of 5 runs were inconclusive; the first: at-most-once: the run hit the event limit \(maxEvents 300\)/,
    );
  });

  it('reports unknown when the time limit of a property is reached', async () => {
    const report = await checkLayer(honest, {
      numRuns: 1000,
      opcodes: ['READ'],
      timeLimitMs: 1,
      properties: [properties.linearizability],
    });
    const r = row(report, 'linearizability', 'READ');
    expect(r.status).toBe('unknown');
    expect(r.reason).toMatch(/^time limit of 1 ms reached after \d+ of 1000 runs$/);
  });

  it('reports progress after every run', async () => {
    const seen: { runs: number; failures: number }[] = [];
    await checkLayer(resendOnError, {
      numRuns: 10,
      opcodes: ['FETCH_ADD'],
      properties: [properties.atMostOnce],
      onProgress: (p) => seen.push(p),
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((p) => p.runs)).toEqual(seen.map((_, k) => k + 1));
  });
});
