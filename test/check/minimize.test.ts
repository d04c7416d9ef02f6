/**
 * minimizeScenario: a user's failing scenario shrinks to a 1-minimal one that still violates the
 * property, deterministically, within a candidate budget and a time limit; on a non-deterministic
 * adapter it is shrunk on the simulator and confirmed where it was seen.
 */
import { join } from 'node:path';
import { sim } from '../../adapters/sim';
import { properties } from '../../properties';
import { checkLayer } from '../../src/check/checkLayer';
import { describeLimit, minimizeScenario, scenarioSize } from '../../src/check/minimize';
import type { MinimizeResult, Shrunk } from '../../src/check/minimize';
import { shrinkScenario } from '../../src/check/shrink';
import type { Adapter } from '../../src/core/execution';
import type { FailoverLayer } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import { layers } from '../../src/layers';
import { loadScenario } from '../../src/report/scenario-file';
import { fails } from './helpers';

const twelveSteps = loadScenario(join(__dirname, '../fixtures/scenarios/twelve-steps.scenario.yaml')).scenario;

function shrunk(r: MinimizeResult): Shrunk {
  if (r.outcome !== 'shrunk') throw new Error(`expected a shrunk result, got ${r.outcome}`);
  return r;
}

/** A stand-in for real verbs: the simulator behind an adapter that is neither deterministic nor synchronous. */
function fakeNative(name: string, rewrite: (s: Scenario) => Scenario = (s) => s): Adapter {
  const fabric = sim();
  const adapter: Adapter = {
    name,
    capabilities: { ...fabric.capabilities, deterministic: false, observesExecution: 'inferred' },
    async run(scenario: Scenario, layer: FailoverLayer) {
      const run = fabric.runSync!(rewrite(scenario), layer);
      return { ...run, scenario, adapter };
    },
  };
  return adapter;
}

describe('minimizeScenario on the simulator', () => {
  let result: Shrunk;
  beforeAll(async () => {
    result = shrunk(await minimizeScenario(twelveSteps, layers.resendAll));
  });

  test('the hand-written scenario is 12 workload steps (posts, RECVs, a reuse) and 3 faults', () => {
    expect(twelveSteps.workload).toHaveLength(12);
    expect(new Set(twelveSteps.workload.map((w) => w.kind))).toEqual(new Set(['post', 'recv', 'reuse']));
    expect(twelveSteps.faults).toHaveLength(3);
  });

  test('without a property it keeps the first one the scenario violates', () => {
    const firstViolated = result.verdicts.find((v) => v.verdict.status === 'violated');
    expect(result.property).toBe(firstViolated?.property);
    expect(result.verdicts.slice(0, -1).every((v) => v.verdict.status !== 'violated')).toBe(true);
  });

  test("it shrinks to the size of checkLayer's own minimal counterexample for that property", async () => {
    const property = properties.all.find((p) => p.name === result.property)!;
    const report = await checkLayer(layers.resendAll, {
      properties: [property],
      opcodes: ['WRITE', 'FETCH_ADD', 'SEND', 'READ'],
      numRuns: 100,
    });
    const found = report.results.find((r) => r.opcode === undefined)!.counterexample!;
    expect(result.sizeBefore).toBe(15);
    expect(result.sizeAfter).toBe(scenarioSize(found.scenario));
    expect(scenarioSize(result.scenario)).toBe(result.sizeAfter);
  });

  test('the result is 1-minimal: no single move of the domain shrinker still fails', async () => {
    expect(result.oneMinimal).toBe(true);
    expect(result.limit).toBeUndefined();
    const property = properties.all.find((p) => p.name === result.property)!;
    const stillFailing: Scenario[] = [];
    for (const candidate of shrinkScenario(result.scenario))
      if (await fails(candidate, layers.resendAll, property)) stillFailing.push(candidate);
    expect(stillFailing).toEqual([]);
  });

  test('the minimal scenario still violates the property, and the counterexample is its run', async () => {
    const property = properties.all.find((p) => p.name === result.property)!;
    expect(await fails(result.scenario, layers.resendAll, property)).toBe(true);
    expect(result.counterexample.scenario).toEqual(result.scenario);
    expect(result.counterexample.property).toBe(result.property);
    expect(result.counterexample.trace).toEqual(result.minimal.execution.trace);
  });

  test('deterministic: the same scenario shrinks to the same counterexample file, byte for byte', async () => {
    const again = shrunk(await minimizeScenario(twelveSteps, layers.resendAll));
    expect(again.counterexample.toYAML()).toBe(result.counterexample.toYAML());
    expect(again.candidates).toBe(result.candidates);
  });

  test('a named property is kept instead of the first violated one', async () => {
    const r = shrunk(await minimizeScenario(twelveSteps, layers.resendAll, { property: 'no-queue-sliding' }));
    expect(r.property).toBe('no-queue-sliding');
    expect(r.minimal.verdict.status).toBe('violated');
    expect(r.verdicts.map((v) => v.property)).toEqual(['no-queue-sliding']);
  });
});

describe('minimizeScenario limits', () => {
  test('a spent candidate budget stops the descent and says the result may not be minimal', async () => {
    const r = shrunk(await minimizeScenario(twelveSteps, layers.resendAll, { maxCandidates: 3 }));
    expect(r.limit).toBe('candidates');
    expect(r.oneMinimal).toBe(false);
    expect(r.candidates).toBe(3);
    expect(r.minimal.verdict.status).toBe('violated');
    expect(describeLimit(r, { maxCandidates: 3 })).toMatch(/budget of 3 candidates: the result may not be minimal/);
  });

  test('the wall-clock safety limit stops it too, and says so', async () => {
    const busy = () => {
      const until = performance.now() + 5;
      while (performance.now() < until);
    };
    const r = shrunk(await minimizeScenario(twelveSteps, layers.resendAll, { timeLimitMs: 1, onProgress: busy }));
    expect(r.limit).toBe('time');
    expect(r.oneMinimal).toBe(false);
    expect(describeLimit(r, { timeLimitMs: 1 })).toMatch(/time limit of 1 ms .* may not be minimal/);
  });

  test('progress reports every candidate, with the current size never growing', async () => {
    const sizes: number[] = [];
    const r = shrunk(await minimizeScenario(twelveSteps, layers.resendAll, { onProgress: (p) => sizes.push(p.size) }));
    expect(sizes).toHaveLength(r.candidates);
    expect(sizes.every((s, k) => k === 0 || s <= sizes[k - 1])).toBe(true);
    expect(sizes[sizes.length - 1]).toBe(r.sizeAfter);
  });
});

describe('minimizeScenario refuses and declines', () => {
  test('a scenario that does not fail resolves to does-not-fail with every verdict', async () => {
    const r = await minimizeScenario(
      { workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } }], faults: [] },
      layers.resendAll,
    );
    expect(r.outcome).toBe('does-not-fail');
    expect(r.verdicts.map((v) => v.property)).toEqual(properties.all.map((p) => p.name));
    expect(r.verdicts.every((v) => v.verdict.status === 'holds')).toBe(true);
  });

  test.each([
    [{ property: 'at-most-twice' }, /^minimizeScenario: unknown property "at-most-twice"; known: at-most-once/],
    [{ maxCandidates: 0 }, /^minimizeScenario: maxCandidates must be a positive integer/],
    [{ timeLimitMs: -1 }, /^minimizeScenario: timeLimitMs must be a positive number/],
  ])('bad option %j: one line that starts with the API name', async (options, message) => {
    await expect(minimizeScenario(twelveSteps, layers.resendAll, options)).rejects.toThrow(message);
  });

  test('a malformed scenario is refused with the field', async () => {
    const bad = {
      ...twelveSteps,
      faults: [{ kind: 'qp-error', host: 'A', path: 5, after: { on: 'start' } }],
    } as Scenario;
    await expect(minimizeScenario(bad, layers.resendAll)).rejects.toThrow(
      /^minimizeScenario: scenario\.faults\[0\]\.path: path 5 does not exist/,
    );
  });
});

describe('minimizeScenario with a failure seen on a non-deterministic adapter (a stand-in for real verbs)', () => {
  test('shrinks on the simulator and confirms the minimal scenario where the failure was seen', async () => {
    const seenOn = fakeNative('fake-native');
    const r = shrunk(await minimizeScenario(twelveSteps, layers.resendAll, { adapter: seenOn }));
    expect(r.original.execution.adapter.name).toBe('fake-native');
    expect(r.minimal.execution.adapter.name).toBe('sim');
    expect(r.counterexample.adapter).toBe('sim');
    expect(r.confirmation).toMatchObject({ adapter: 'fake-native', confirmed: true });
    expect(r.sizeAfter).toBe(shrunk(await minimizeScenario(twelveSteps, layers.resendAll)).sizeAfter);
  });

  test('when the simulator does not reproduce the failure, it is a fidelity finding with both traces', async () => {
    // This "NIC" loses every response on path 0 although the scenario names no fault.
    const lossy = fakeNative('lossy-native', (s) => ({
      ...s,
      faults: [...s.faults, { kind: 'drop-response', path: 0, count: 'all' }],
    }));
    const calm: Scenario = {
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } }],
      faults: [],
    };
    const r = await minimizeScenario(calm, layers.resendAll, { adapter: lossy });
    expect(r.outcome).toBe('not-reproduced');
    if (r.outcome !== 'not-reproduced') return;
    expect(r.seen.verdict.status).toBe('violated');
    expect(r.seen.execution.adapter.name).toBe('lossy-native');
    expect(r.simulated.verdict.status).not.toBe('violated');
    expect(r.simulated.execution.adapter.name).toBe('sim');
    expect(r.simulated.execution.trace.length).toBeGreaterThan(0);
  });

  test('when the minimal scenario does not fail where it was seen, the result says so', async () => {
    // This "NIC" cannot inject a fault into a short scenario: it runs it fault-free.
    const partial = fakeNative('partial-native', (s) => (s.workload.length < 3 ? { ...s, faults: [] } : s));
    const r = shrunk(await minimizeScenario(twelveSteps, layers.resendAll, { adapter: partial }));
    expect(r.confirmation?.confirmed).toBe(false);
    expect(r.confirmation?.verdict.status).not.toBe('violated');
  });
});
