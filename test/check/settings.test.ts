/**
 * A stack audited at its own settings: the settings a layer declares (FailoverLayer.config), or
 * CheckOptions.config / --config, replace the generator's draws in every scenario, survive
 * shrinking, and are recorded so that a counterexample regenerates.
 */
import fc from 'fast-check';
import { checkLayer, regenerateScenario, scenarioArbitrary } from '../../src/check';
import type { FailoverLayer } from '../../src/core/layer';
import { properties } from '../../properties';
import { layers } from '../../src/layers';
import { settingsOption } from '../../src/cli/settings-option';
import { CliError } from '../../src/cli/errors';
import { counterexampleToYAML } from '../../src/report/codec';
import { parseTrace } from '../../src/report/load';

const STACK = { timeout: 14, retryCnt: 7, rnrRetry: 7, livenessNs: 60_000_000_000 } as const;

/** resend-all (violates at-most-once for WRITE quickly) declaring a stack's settings. */
const resendAllAtStackSettings: FailoverLayer = { ...layers.resendAll, name: 'resend-all@stack', config: STACK };

describe('generated scenarios take the given settings instead of drawing them', () => {
  test('every sampled scenario has the given timeout, retry counts and liveness; the rest is still drawn', () => {
    const sampled = fc.sample(scenarioArbitrary({ opcodes: ['WRITE'], config: { timeout: 14, retryCnt: 7 } }), {
      seed: 3,
      numRuns: 60,
    });
    for (const s of sampled) expect(s.config).toMatchObject({ timeout: 14, retryCnt: 7 });
    expect(new Set(sampled.map((s) => s.config?.rnrRetry)).size).toBeGreaterThan(1);
  });

  test('shrinking never changes a given setting (a drawn one may shrink)', () => {
    const arb = scenarioArbitrary({ opcodes: ['WRITE'], config: { timeout: 14, retryCnt: 7 } });
    const [value] = fc.sample(arb, { seed: 5, numRuns: 1 });
    const candidates = [...arb.shrink(value, undefined).take(200)];
    expect(candidates.length).toBeGreaterThan(0);
    for (const c of candidates) expect(c.value.config).toMatchObject({ timeout: 14, retryCnt: 7 });
  });
});

describe('checkLayer audits a layer at its declared config unless told otherwise', () => {
  test('the counterexample of a layer declaring timeout 14 / retry_cnt 7 runs at them, records them, and regenerates', async () => {
    const report = await checkLayer(resendAllAtStackSettings, {
      opcodes: ['WRITE'],
      properties: [properties.atMostOnce],
      numRuns: 60,
    });
    const cx = report.results.find((r) => r.opcode === 'WRITE')?.counterexample;
    expect(cx).toBeDefined();
    expect(cx!.scenario.config).toMatchObject(STACK);
    expect(cx!.generator?.config).toEqual({ timeout: 14, retryCnt: 7, rnrRetry: 7 });
    expect(cx!.generator?.livenessNs).toBe(STACK.livenessNs);
    expect(regenerateScenario(cx!)).toEqual(cx!.scenario);
  });

  test('config {} draws every setting again, as for a layer that declares none', async () => {
    const report = await checkLayer(resendAllAtStackSettings, {
      opcodes: ['WRITE'],
      properties: [properties.atMostOnce],
      numRuns: 60,
      config: {},
    });
    const cx = report.results.find((r) => r.opcode === 'WRITE')?.counterexample;
    expect(cx?.generator?.config).toBeUndefined();
    expect(cx?.scenario.config?.livenessNs).not.toBe(STACK.livenessNs);
  });

  test('a setting generated scenarios draw themselves, or an out-of-range one, is one clear line', async () => {
    await expect(checkLayer(layers.resendAll, { config: { paths: 3 } as never })).rejects.toThrow(
      /^checkLayer: config.paths cannot be given: generated scenarios draw it/,
    );
    await expect(checkLayer({ ...layers.resendAll, config: { timeout: 99 } })).rejects.toThrow(
      /^checkLayer: layer.config \(of resend-all\): timeout: must be an integer in 0..31 \(got 99\)/,
    );
  });
});

describe('--config', () => {
  test('reads KEY=VALUE pairs (durations for the *Ns keys, names for the profile), and "drawn"', () => {
    expect(settingsOption('audit', 'timeout=14,retryCnt=7,livenessNs=60s,nic=rxe')).toEqual({
      timeout: 14,
      retryCnt: 7,
      livenessNs: 60_000_000_000,
      nic: 'rxe',
    });
    expect(settingsOption('audit', 'drawn')).toEqual({});
    expect(settingsOption('audit', undefined)).toBeUndefined();
  });

  test.each([
    ['timeout', /--config has "timeout"/],
    ['speed=3', /unknown setting "speed"/],
    ['paths=3', /cannot set paths/],
    ['retryCnt=9', /retryCnt: must be an integer in 0..7 \(got 9\)/],
    ['nic=mlx9', /nic: must be one of/],
  ])('refuses %s in one line naming the fix', (raw, message) => {
    expect(() => settingsOption('audit', raw)).toThrow(CliError);
    expect(() => settingsOption('audit', raw)).toThrow(message);
  });
});

describe("a counterexample of the 'mixed' column is a valid trace file", () => {
  test('its header opcode "mixed" reads back (the column it was found in)', async () => {
    const report = await checkLayer(resendAllAtStackSettings, {
      opcodes: ['WRITE', 'READ'],
      properties: [properties.atMostOnce],
      numRuns: 60,
    });
    const cx = report.results.find((r) => r.opcode === 'mixed')?.counterexample;
    expect(cx).toBeDefined();
    expect(parseTrace(counterexampleToYAML(cx!)).opcode).toBe('mixed');
  });
});
