import fc from 'fast-check';
import { validateScenario } from '../../adapters/sim';
import { scenarioArbitrary, shrinkScenario } from '../../src/check';
import type { Scenario } from '../../src/core/scenario';
import { OPCODES } from '../../src/core/verbs';

const size = (s: Scenario) => JSON.stringify(s).length;

describe('scenario arbitraries', () => {
  it('generate valid scenarios, restricted to the requested op classes', () => {
    for (const op of OPCODES) {
      for (const s of fc.sample(scenarioArbitrary({ opcodes: [op] }), { seed: 3, numRuns: 200 })) {
        expect(() => validateScenario(s)).not.toThrow();
        const posts = s.workload.filter((w) => w.kind === 'post');
        expect(posts.length).toBeGreaterThan(0);
        for (const w of posts) if (w.kind === 'post') expect(w.wr.opcode).toBe(op);
      }
    }
  });

  it("give every message a RECV (RNR would be the application's fault, not the layer's)", () => {
    for (const s of fc.sample(scenarioArbitrary({ opcodes: ['SEND', 'WRITE_WITH_IMM'] }), { seed: 5, numRuns: 200 })) {
      const messages = s.workload.filter((w) => w.kind === 'post').length;
      expect(s.workload.filter((w) => w.kind === 'recv').length).toBeGreaterThanOrEqual(messages);
    }
  });

  it('generate faults, receiver reuse and third-party operations, and honour maxEvents', () => {
    const xs = fc.sample(scenarioArbitrary({ opcodes: ['WRITE'], maxEvents: 1234 }), { seed: 9, numRuns: 300 });
    expect(xs.some((s) => s.faults.some((f) => f.kind === 'drop-response' && f.count === 'all'))).toBe(true);
    expect(xs.some((s) => s.workload.some((w) => w.kind === 'reuse'))).toBe(true);
    expect(xs.some((s) => s.workload.some((w) => w.kind === 'third'))).toBe(true);
    expect(xs.every((s) => s.config?.maxEvents === 1234)).toBe(true);
  });

  it("carry the caller's liveness budget in every scenario's config", () => {
    const xs = fc.sample(scenarioArbitrary({ livenessNs: 50_000_000 }), { seed: 4, numRuns: 100 });
    expect(xs.every((s) => s.config?.livenessNs === 50_000_000)).toBe(true);
    expect(fc.sample(scenarioArbitrary(), { seed: 4, numRuns: 20 }).map((s) => s.config?.livenessNs)).toEqual(
      new Array(20).fill(5_000_000),
    );
  });

  it("draw a deployment's NIC timeout (12-20) in some scenarios, a small one (1-6) in most", () => {
    const timeouts = fc.sample(scenarioArbitrary(), { seed: 8, numRuns: 600 }).map((s) => s.config!.timeout!);
    const realistic = timeouts.filter((t) => t >= 12);
    expect(timeouts.every((t) => (t >= 1 && t <= 6) || (t >= 12 && t <= 20))).toBe(true);
    expect(new Set(realistic).size).toBe(9); // every one of 12..20
    expect(realistic.length).toBeGreaterThan(timeouts.length / 10);
    expect(realistic.length).toBeLessThan(timeouts.length / 4);
  });

  it("carry the NIC profile in every scenario's config (absent for the default, ibta)", () => {
    const rxe = fc.sample(scenarioArbitrary({ nic: 'rxe' }), { seed: 9, numRuns: 50 });
    expect(rxe.every((s) => s.config?.nic === 'rxe')).toBe(true);
    const ibta = fc.sample(scenarioArbitrary({ nic: 'ibta' }), { seed: 9, numRuns: 50 });
    expect(ibta.every((s) => s.config?.nic === undefined)).toBe(true);
    // The profile changes the fabric, not the draw: the same seed gives the same workloads and faults.
    expect(rxe.map((s) => s.workload)).toEqual(ibta.map((s) => s.workload));
  });

  it('are a pure function of the seed', () => {
    const a = fc.sample(scenarioArbitrary(), { seed: 42, numRuns: 50 });
    const b = fc.sample(scenarioArbitrary(), { seed: 42, numRuns: 50 });
    expect(a).toEqual(b);
  });
});

describe('the domain shrinker', () => {
  const samples = fc.sample(scenarioArbitrary(), { seed: 11, numRuns: 100 });

  it('offers removing each fault and each workload step first', () => {
    const s = samples.find((x) => x.faults.length >= 2 && x.workload.length >= 2)!;
    const first = [...shrinkScenario(s)].slice(0, s.faults.length + s.workload.length);
    s.faults.forEach((_, k) => expect(first[k].faults).toEqual(s.faults.filter((__, j) => j !== k)));
    s.workload.forEach((_, k) =>
      expect(first[s.faults.length + k].workload).toEqual(s.workload.filter((__, j) => j !== k)),
    );
  });

  it('only offers smaller, valid scenarios', () => {
    for (const s of samples) {
      for (const c of shrinkScenario(s)) {
        expect(() => validateScenario(c)).not.toThrow();
        expect(size(c)).toBeLessThanOrEqual(size(s) + 8); // e.g. { on: 'start' } is about as long as the anchor it replaces
        expect(c).not.toEqual(s);
      }
    }
  });

  it('moves faults earlier, reduces values, paths and retries', () => {
    const s: Scenario = {
      config: { paths: 3, retryCnt: 3, timeout: 5 },
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 4 } }],
      faults: [
        { kind: 'link-down', path: 0, direction: 'both', after: { on: 'execute', wr: 1, nth: 2 } },
        { kind: 'drop-response', nth: 3, count: 2 },
      ],
    };
    const cs = [...shrinkScenario(s)];
    expect(cs).toContainEqual({ ...s, faults: [{ ...s.faults[0], after: { on: 'start' } }, s.faults[1]] });
    expect(cs).toContainEqual({
      ...s,
      faults: [{ ...s.faults[0], after: { on: 'send', wr: 1, nth: 2 } }, s.faults[1]],
    });
    expect(cs).toContainEqual({ ...s, faults: [s.faults[0], { kind: 'drop-response', count: 2 }] });
    expect(cs).toContainEqual({
      ...s,
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } }],
    });
    expect(cs).toContainEqual({ ...s, config: { ...s.config, paths: 2 } });
    expect(cs).toContainEqual({ ...s, config: { ...s.config, retryCnt: 0 } });
  });
});
