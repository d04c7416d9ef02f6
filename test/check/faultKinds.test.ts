/**
 * What the generator draws can be narrowed: faultKinds (only these kinds; [] none) and
 * badAddresses (false: no out-of-range address). Given, they are recorded in the counterexample
 * and regenerate its scenario; absent, every draw is what it always was. An adapter that cannot
 * inject a kind gets audits without it, and the report says so.
 */
import fc from 'fast-check';
import { native, NATIVE_FAULTS } from '../../adapters/native';
import { sim } from '../../adapters/sim';
import { properties } from '../../properties';
import { resolveGeneratorLimits, scenarioArbitrary } from '../../src/check/arbitraries';
import { checkLayer } from '../../src/check/checkLayer';
import { resolveCheckOptions } from '../../src/check/options';
import { OUT_OF_RANGE_ADDR } from '../../src/check/draft';
import { DRAWN_FAULT_KINDS } from '../../src/check/given';
import { regenerateScenario } from '../../src/check/regenerate';
import type { Adapter, AdapterCapabilities } from '../../src/core/execution';
import type { FailoverLayer } from '../../src/core/layer';
import type { Counterexample, Report } from '../../src/core/results';
import type { FaultKind, Scenario } from '../../src/core/scenario';
import { resendAll } from '../../src/layers/resendAll';
import { parseTrace } from '../../src/report/load';
import { unsupportedFaultsLine } from '../../src/report/unsupported-faults';

const sample = (options: Parameters<typeof scenarioArbitrary>[0], numRuns = 300): Scenario[] =>
  fc.sample(scenarioArbitrary(options), { seed: 3, numRuns });
const kindsOf = (scenarios: Scenario[]): Set<FaultKind> =>
  new Set(scenarios.flatMap((s) => s.faults.map((f) => f.kind)));
const addressesOf = (scenarios: Scenario[]): number[] =>
  scenarios.flatMap((s) =>
    s.workload.flatMap((w) => (w.kind === 'post' && 'addr' in w.wr && w.wr.addr !== undefined ? [w.wr.addr] : [])),
  );

describe('scenarioArbitrary draws only the fault kinds it is given', () => {
  const chosen: FaultKind[] = ['drop-request', 'drop-response', 'link-down'];

  test.each([true, false])('swarm %s: every kind given is drawn, and no other', (swarm) => {
    expect([...kindsOf(sample({ swarm, faultKinds: chosen }))].sort()).toEqual([...chosen].sort());
  });

  test('a kind with no weight of its own (a rare kind) alone, without swarm', () => {
    expect([...kindsOf(sample({ swarm: false, faultKinds: ['qp-error'] }))]).toEqual(['qp-error']);
  });

  test.each([true, false])('swarm %s: an empty list draws no faults', (swarm) => {
    const scenarios = sample({ swarm, faultKinds: [] });
    expect(scenarios.every((s) => s.faults.length === 0)).toBe(true);
    expect(scenarios.some((s) => s.workload.length > 0)).toBe(true);
  });

  test.each([true, false])(
    'swarm %s: listing every drawn kind, in any order and with repeats, draws exactly the default draw',
    (swarm) => {
      const shuffled = [...DRAWN_FAULT_KINDS].reverse().concat(['delay']);
      expect(sample({ swarm, faultKinds: shuffled })).toEqual(sample({ swarm }));
    },
  );

  test('fewer kinds draw other scenarios than the default (else the tests above prove nothing)', () => {
    expect(sample({ swarm: true, faultKinds: chosen })).not.toEqual(sample({ swarm: true }));
  });

  const drawn = DRAWN_FAULT_KINDS.join(', ');
  test.each([
    [['meteor'], `scenarioArbitrary: faultKinds: "meteor" is not a fault kind; drawn kinds: ${drawn}`],
    [
      ['pause'],
      `scenarioArbitrary: faultKinds: "pause" is not drawn by the generator (write such a scenario by hand); drawn kinds: ${drawn}`,
    ],
    ['drop-request', `scenarioArbitrary: faultKinds must be a list of fault kinds (${drawn}); [] draws no faults`],
  ])('refuses %j in one line naming the kinds it draws', (faultKinds, message) => {
    expect(() => scenarioArbitrary({ faultKinds: faultKinds as FaultKind[] })).toThrow(message);
  });
});

describe('badAddresses: false leaves out-of-range addresses out', () => {
  test('the default draws some (else the next test proves nothing)', () => {
    expect(addressesOf(sample({}, 400))).toContain(OUT_OF_RANGE_ADDR);
  });

  test('with badAddresses: false, no WR names one', () => {
    const addresses = addressesOf(sample({ badAddresses: false }, 400));
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses).not.toContain(OUT_OF_RANGE_ADDR);
  });
});

describe('the generator record holds faultKinds and badAddresses only when they are given', () => {
  test('absent by default, so that default audits write the files they always did', () => {
    const limits = resolveGeneratorLimits({ badAddresses: true });
    expect(limits).not.toHaveProperty('faultKinds');
    expect(limits).not.toHaveProperty('badAddresses');
  });

  test('given: recorded, the kinds in the generator order and without repeats', () => {
    const limits = resolveGeneratorLimits({
      faultKinds: ['link-down', 'drop-request', 'link-down'],
      badAddresses: false,
    });
    expect(limits.faultKinds).toEqual(['drop-request', 'link-down']);
    expect(limits.badAddresses).toBe(false);
  });
});

describe('checkLayer({ faultKinds, badAddresses })', () => {
  let cx: Counterexample;
  beforeAll(async () => {
    const report = await checkLayer(resendAll, {
      opcodes: ['FETCH_ADD'],
      properties: [properties.atMostOnce],
      numRuns: 100,
      faultKinds: ['drop-response'],
      badAddresses: false,
    });
    cx = report.results.find((r) => r.opcode === 'FETCH_ADD')!.counterexample!;
  });

  test('finds the lost response defect from lost responses alone, and records how it drew', () => {
    expect(cx.scenario.faults.map((f) => f.kind)).toEqual(['drop-response']);
    expect(cx.generator?.faultKinds).toEqual(['drop-response']);
    expect(cx.generator?.badAddresses).toBe(false);
  });

  test('seed + path + the record regenerate the scenario, also read back from the trace file', () => {
    expect(regenerateScenario(cx)).toEqual(cx.scenario);
    const loaded = parseTrace(cx.toYAML());
    expect(loaded.generator).toEqual(cx.generator);
    expect(regenerateScenario(loaded)).toEqual(cx.scenario);
  });

  test.each([
    [{ faultKinds: ['meteor'] }, 'checkLayer: faultKinds: "meteor" is not a fault kind; drawn kinds: drop-request'],
    [{ faultKinds: 'delay' }, 'checkLayer: faultKinds must be a list of fault kinds'],
    [{ badAddresses: 'no' }, 'checkLayer: badAddresses must be true or false (got no)'],
  ])('refuses %j in one line', async (options, message) => {
    await expect(checkLayer(resendAll, options as never)).rejects.toThrow(message);
  });
});

/**
 * An adapter like the native one: the simulator, but it cannot inject delay or corrupt-wqe, and
 * refuses a scenario holding one before running it (adapters/native/driver.ts, refuseUnrunnable).
 */
function withoutKinds(cannot: Partial<Record<FaultKind, string>>): Adapter {
  const base = sim();
  const faults: AdapterCapabilities['faults'] = { ...base.capabilities.faults };
  for (const [kind, reason] of Object.entries(cannot)) faults[kind] = { supported: false, reason };
  const refuse = (s: Scenario): void =>
    s.faults.forEach((f, k) => {
      if (faults[f.kind]?.supported === false)
        throw new Error(`stub.run: faults[${k}] (${f.kind}) cannot be injected: ${faults[f.kind].reason}`);
    });
  const adapter: Adapter = {
    name: 'stub',
    capabilities: { ...base.capabilities, faults },
    runSync(s: Scenario, layer: FailoverLayer) {
      refuse(s);
      return { ...base.runSync!(s, layer), adapter };
    },
    async run(s: Scenario, layer: FailoverLayer) {
      return adapter.runSync!(s, layer);
    },
  };
  return adapter;
}

describe('an adapter that cannot inject some kinds: checkLayer draws only the others and says so', () => {
  const cannot = { delay: 'no per-WR delay here', 'corrupt-wqe': 'no way to corrupt a WQE' };
  const adapter = withoutKinds(cannot);
  const audit = (extra: object = {}): Promise<Report> =>
    checkLayer(resendAll, { adapter, opcodes: ['WRITE'], mixed: false, numRuns: 60, ...extra });
  let report: Report;
  beforeAll(async () => {
    report = await audit();
  });

  test('no run is left unrunnable: no result is unknown', () => {
    expect(report.results.filter((r) => r.status === 'unknown')).toEqual([]);
  });

  test('without the restriction the same audit would have drawn them (else this proves nothing)', () => {
    const unrunnable = sample({ opcodes: ['WRITE'], swarm: true }, 60).filter((s) =>
      s.faults.some((f) => f.kind in cannot),
    );
    expect(unrunnable.length).toBeGreaterThan(0);
  });

  test('the report names each kind left out with the reason the adapter gives', () => {
    expect(report.unsupportedFaultKinds).toEqual([
      { kind: 'delay', reason: cannot.delay },
      { kind: 'corrupt-wqe', reason: cannot['corrupt-wqe'] },
    ]);
    expect(unsupportedFaultsLine(report)).toBe(
      'fault kinds not drawn: the stub adapter cannot inject delay (no per-WR delay here); corrupt-wqe ' +
        '(no way to corrupt a WQE); every generated run drew only the other kinds (faultKinds chooses them)',
    );
  });

  test("a counterexample records the kinds drawn, so it regenerates on the adapter's terms", () => {
    const found = report.results.find((r) => r.counterexample !== undefined)!.counterexample!;
    expect(found.generator?.faultKinds).toEqual(DRAWN_FAULT_KINDS.filter((k) => !(k in cannot)));
    expect(regenerateScenario(found)).toEqual(found.scenario);
  });

  test('faultKinds naming a kind the adapter cannot inject is refused in one line', async () => {
    await expect(audit({ faultKinds: ['drop-request', 'delay'] })).rejects.toThrow(
      'checkLayer: faultKinds: the stub adapter cannot inject delay (no per-WR delay here); drop it from faultKinds',
    );
  });

  test('faultKinds the adapter can inject: drawn as given, and the report names nothing left out', async () => {
    const chosen = await audit({ faultKinds: ['drop-response'] });
    expect(chosen.unsupportedFaultKinds).toBeUndefined();
    expect(chosen.results.filter((r) => r.status === 'unknown')).toEqual([]);
  });

  test('the native adapter (resolved, no device needed): every drawn kind but delay and corrupt-wqe', () => {
    const o = resolveCheckOptions(resendAll, {
      adapter: native({ agent: { host: 'h', port: 1 }, paths: [{ device: 'rxe0' }] }),
    });
    expect(o.faultKinds).toEqual(DRAWN_FAULT_KINDS.filter((k) => k !== 'delay' && k !== 'corrupt-wqe'));
    expect(o.unsupportedFaultKinds).toEqual([
      { kind: 'delay', reason: NATIVE_FAULTS.delay.reason },
      { kind: 'corrupt-wqe', reason: NATIVE_FAULTS['corrupt-wqe'].reason },
    ]);
  });

  test('the simulator injects every kind: its reports name nothing left out', async () => {
    const onSim = await checkLayer(resendAll, { opcodes: ['WRITE'], mixed: false, numRuns: 5 });
    expect(onSim).not.toHaveProperty('unsupportedFaultKinds');
    expect(unsupportedFaultsLine(onSim)).toBeUndefined();
  });
});
