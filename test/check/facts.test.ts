/**
 * One source for each fact: the defaults and the vocabularies are written once (CHECK_DEFAULTS,
 * FAULT_KINDS) and every part that needs them reads them from there.
 */
import fc from 'fast-check';
import { sim, validateScenario } from '../../adapters/sim';
import { NATIVE_FAULTS } from '../../adapters/native/faults';
import { resolveGeneratorLimits, scenarioArbitrary } from '../../src/check/arbitraries';
import { NOT_DRAWN_FAULT_KINDS } from '../../src/check/given';
import { CHECK_DEFAULTS, GENERATOR_VERSION, resolveCheckOptions } from '../../src/check/options';
import { FAULT_KINDS } from '../../src/core/scenario';
import type { Scenario } from '../../src/core/scenario';
import { OPCODES } from '../../src/core/verbs';
import { honest } from '../properties/canaries';

describe('CHECK_DEFAULTS is what checkLayer and the scenario generator use when an option is absent', () => {
  test('checkLayer', () => {
    const {
      adapter: _a,
      properties: _p,
      opcodes,
      mixed,
      onProgress: _o,
      config,
      ...limits
    } = resolveCheckOptions(honest);
    expect(limits).toEqual(CHECK_DEFAULTS);
    expect(config).toEqual({}); // a layer that declares no settings: every one drawn
    expect(opcodes).toEqual(OPCODES);
    expect(mixed).toBe(true); // two or more op classes: a mixed column too
  });

  test('the scenario generator', () => {
    const { opcodes, ...limits } = resolveGeneratorLimits();
    expect(limits).toEqual({
      version: GENERATOR_VERSION,
      maxOps: CHECK_DEFAULTS.maxOps,
      maxFaults: CHECK_DEFAULTS.maxFaults,
      maxPaths: CHECK_DEFAULTS.maxPaths,
      maxEvents: CHECK_DEFAULTS.maxEvents,
      livenessNs: CHECK_DEFAULTS.livenessNs,
    });
    expect(opcodes).toEqual(OPCODES);
  });
});

describe('FAULT_KINDS is every fault kind, everywhere', () => {
  test('the generator draws every kind but the ones it names as not drawn yet (none)', () => {
    const drawn = new Set(
      fc.sample(scenarioArbitrary(), { seed: 1, numRuns: 1000 }).flatMap((s) => s.faults.map((f) => f.kind)),
    );
    const expected = FAULT_KINDS.filter((k) => !NOT_DRAWN_FAULT_KINDS.includes(k));
    expect([...drawn].sort()).toEqual([...expected].sort());
  });

  test('both adapters state their capability for every kind', () => {
    expect(Object.keys(sim().capabilities.faults).sort()).toEqual([...FAULT_KINDS].sort());
    expect(Object.keys(NATIVE_FAULTS).sort()).toEqual([...FAULT_KINDS].sort());
  });

  test("the validator's refusal of an unknown kind lists them", () => {
    const meteor = { workload: [], faults: [{ kind: 'meteor' }] } as unknown as Scenario;
    expect(() => validateScenario(meteor)).toThrow(`"meteor" is not a fault kind (${FAULT_KINDS.join(', ')})`);
  });
});
