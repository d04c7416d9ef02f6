/**
 * The field draws (src/check/fieldDraws.ts): each fires in its share of generated scenarios and,
 * when it fires, puts its whole shape into the scenario: every path failing together and healing
 * together, a pause as a WR lands and within the run's budget, a path lost right after a WR
 * executed with the receiver reusing the word a WRITE landed.
 */
import fc from 'fast-check';
import { validateScenario } from '../../adapters/sim';
import { scenarioArbitrary } from '../../src/check';
import { fieldDrawArbitraries, withFieldDraws } from '../../src/check/fieldDraws';
import type { FieldDraws } from '../../src/check/fieldDraws';
import type { Fault, Scenario } from '../../src/core/scenario';
import { NCCL_QP_SETTINGS } from '../../src/layers/nccl/source';

const RUNS = 2000;
/** Each draw fires in one scenario in 8: counted over RUNS, between 1 in 12 and 1 in 5. */
const inBand = (n: number) => n > RUNS / 12 && n < RUNS / 5;

const sample = (options: Parameters<typeof scenarioArbitrary>[0], seed = 11, numRuns = RUNS) =>
  fc.sample(scenarioArbitrary({ swarm: true, ...options }), { seed, numRuns });

type Anchored = Extract<Fault, { after: unknown }>;
const anchored = (f: Fault): f is Anchored => 'after' in f;

/** Every path failing at the same anchor and healing after the same time (a shared component). */
function sharedFate(s: Scenario): Fault[] | undefined {
  const paths = s.config!.paths!;
  const groups = new Map<string, Fault[]>();
  for (const f of s.faults) {
    if (f.kind === 'nic-death' && f.reviveAfterNs !== undefined) {
      const key = `nic ${f.host} ${JSON.stringify(f.after)} ${f.reviveAfterNs}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    } else if (f.kind === 'link-down' && f.direction === 'both' && f.upAfterNs !== undefined) {
      const key = `link ${JSON.stringify(f.after)} ${f.upAfterNs}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
  }
  return [...groups.values()].find((g) => new Set(g.map((f) => (f as { path: number }).path)).size === paths);
}

describe('field draws: the rate of each, and the shape it puts into a scenario', () => {
  const scenarios = sample({ opcodes: ['WRITE'] });

  it('the arbitraries draw each shape in about one scenario in 8', () => {
    const draws = fc.sample(fc.record(fieldDrawArbitraries(fc.constant({ on: 'start', wr: 1, nth: 1 }), 4)), {
      seed: 2,
      numRuns: RUNS,
    });
    for (const key of ['sharedFate', 'pause', 'lostAfterExecution'] as const)
      expect([key, inBand(draws.filter((d) => d[key] !== undefined).length)]).toEqual([key, true]);
  });

  it('shared fate: every path dies at one moment and comes back together, in about one scenario in 8', () => {
    const hits = scenarios.filter((s) => sharedFate(s) !== undefined);
    expect(inBand(hits.length)).toBe(true);
    // Both components: a host's NICs and a switch's links.
    expect(new Set(hits.map((s) => sharedFate(s)![0].kind))).toEqual(new Set(['nic-death', 'link-down']));
  });

  it("a pause begins as a WR executes and ends within a fifth of the run's budget, in about one scenario in 8", () => {
    const pauses = scenarios.flatMap((s) => s.faults.filter((f) => f.kind === 'pause'));
    expect(inBand(pauses.length)).toBe(true);
    for (const p of pauses) {
      expect(p.after.on).toBe('execute');
      expect(p.durationNs).toBeGreaterThanOrEqual(1_000);
      expect(p.durationNs).toBeLessThanOrEqual(5_000_000 / 5);
    }
    // Log-uniform: each of the three decades from 1 us to 1 ms holds a good share of the pauses.
    for (const [low, high] of [
      [1_000, 10_000],
      [10_000, 100_000],
      [100_000, 1_000_001],
    ])
      expect(pauses.filter((p) => p.durationNs >= low && p.durationNs < high).length).toBeGreaterThan(
        pauses.length / 6,
      );
    expect(new Set(pauses.map((p) => p.host))).toEqual(new Set(['A', 'B']));
  });

  it('a pause lasts up to 20 ms at a stack whose budget allows more (NCCL: 1 s)', () => {
    const pauses = sample({ opcodes: ['WRITE_WITH_IMM'], config: { ...NCCL_QP_SETTINGS } }).flatMap((s) =>
      s.faults.filter((f) => f.kind === 'pause'),
    );
    expect(Math.max(...pauses.map((p) => p.durationNs))).toBeGreaterThan(10_000_000);
    expect(Math.max(...pauses.map((p) => p.durationNs))).toBeLessThanOrEqual(20_000_000);
  });

  it("a path lost after a WRITE executed comes with the receiver's reuse of the word that WRITE lands (T2), in about one scenario in 8", () => {
    const t2 = scenarios.filter((s) => {
      const lost = s.faults.filter(anchored).find((f) => f.after.on === 'execute' && 'path' in f && f.path === 0);
      if (!lost || lost.after.on !== 'execute') return false;
      const wr = lost.after.wr;
      const post = s.workload.find((w) => w.kind === 'post' && w.wr.id === wr);
      const reuse = s.workload.find((w) => w.kind === 'reuse');
      return (
        post?.kind === 'post' &&
        reuse?.kind === 'reuse' &&
        reuse.addr === post.wr.addr &&
        reuse.expect === post.wr.value &&
        ((lost.kind === 'link-down' && lost.upAfterNs === undefined) ||
          (lost.kind === 'nic-death' && lost.reviveAfterNs === undefined))
      );
    });
    // Without the draw, the per-fault draw and the drawn reuse meet this shape in 3 of these 2,000.
    expect(inBand(t2.length)).toBe(true);
  });

  it('every generated scenario is valid, at the default settings, at a stack of its own, with 3 paths and on rxe', () => {
    for (const options of [{}, { config: { ...NCCL_QP_SETTINGS } }, { maxPaths: 3 }, { nic: 'rxe' as const }])
      for (const s of sample({ ...options }, 5, 500)) expect(() => validateScenario(s)).not.toThrow();
  });
});

describe('withFieldDraws', () => {
  const base: Scenario = {
    config: { paths: 3, livenessNs: 5_000_000 },
    workload: [
      { kind: 'post', wr: { id: 1, opcode: 'READ', addr: 0 } },
      { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 2, value: 7 } },
      { kind: 'reuse', addr: 0, expect: 1, value: 10 },
    ],
    faults: [{ kind: 'drop-request', count: 1 }],
  };
  const none: FieldDraws = { sharedFate: undefined, pause: undefined, lostAfterExecution: undefined };

  it('leaves a scenario where nothing fired as it is', () => {
    expect(withFieldDraws(base, none)).toBe(base);
  });

  it("shared fate: one fault per path after the scenario's own, at one anchor, healed together", () => {
    const s = withFieldDraws(base, {
      ...none,
      sharedFate: { component: 'host', host: 'A', after: { on: 'send', wr: 6, nth: 1 }, healAfterNs: 20_000 },
    });
    expect(s.faults).toEqual([
      base.faults[0],
      ...[0, 1, 2].map((path) => ({
        kind: 'nic-death',
        host: 'A',
        path,
        after: { on: 'send', wr: 2 }, // raw WR 6 clamped to the 2 posts, as toScenario does
        reviveAfterNs: 20_000,
      })),
    ]);
  });

  it('a path lost after a WRITE executed replaces the drawn reuse with one of the word that WRITE lands', () => {
    const s = withFieldDraws(base, { ...none, lostAfterExecution: { op: 1, component: 'link', value: 12 } });
    expect(s.faults.at(-1)).toEqual({ kind: 'link-down', path: 0, direction: 'both', after: { on: 'execute', wr: 2 } });
    expect(s.workload.filter((w) => w.kind === 'reuse')).toEqual([{ kind: 'reuse', addr: 2, expect: 7, value: 12 }]);
  });

  it('a path lost after a READ executed keeps the drawn reuse (nothing was written to reuse)', () => {
    const s = withFieldDraws(base, { ...none, lostAfterExecution: { op: 0, component: 'responder-nic', value: 12 } });
    expect(s.faults.at(-1)).toEqual({ kind: 'nic-death', host: 'B', path: 0, after: { on: 'execute', wr: 1 } });
    expect(s.workload).toEqual(base.workload);
  });

  it('a pause runs from 1 us (scale 0) to a fifth of the budget (the last scale), as a WR executes', () => {
    const pause = (scale: number) =>
      withFieldDraws(base, { ...none, pause: { host: 'B', wr: 1, scale } }).faults.at(-1);
    expect(pause(0)).toEqual({ kind: 'pause', host: 'B', after: { on: 'execute', wr: 1 }, durationNs: 1_000 });
    expect(pause(1_000)).toMatchObject({ durationNs: 1_000_000 });
    expect(pause(500)).toMatchObject({ durationNs: Math.round(1_000 * 1_000 ** 0.5) });
  });
});
