/**
 * The differential corpus (test/native-vm/differential.test.ts runs it on Soft-RoCE): what it
 * must hold for the comparison to mean something, checked on the host with the simulator.
 */
import { unsupportedReason } from '../../adapters/native/faults';
import { refuseUnrunnable } from '../../adapters/native/driver';
import { runScenario } from '../../src/check/run';
import { resolveConfig } from '../../src/core/scenario';
import { rxeTimerNs } from '../../src/core/verbs';

import { differentialCorpus, GENERATED_CASES, generatedCases, layerOf, NAMED_CASES } from './corpus';
import { differences, observed } from './observed';

const corpus = differentialCorpus();

describe('the differential corpus', () => {
  test('holds the named cases and at least 50 generated ones, drawn the same way every time', () => {
    expect(GENERATED_CASES).toBeGreaterThanOrEqual(50);
    expect(corpus).toHaveLength(NAMED_CASES.length + GENERATED_CASES);
    expect(generatedCases()).toEqual(generatedCases());
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  test('every case runs under the rxe profile with a retransmission timer far above a round trip between the guests (>= 128 ms) and bounded real time, and the native adapter can inject its faults', () => {
    for (const c of corpus) {
      const config = resolveConfig(c.scenario);
      const timerMs = rxeTimerNs(config.timeout) / 1e6;
      // A NIC that gives up takes (retry_cnt + 1) timers; retry_cnt 7 under rxe retries forever,
      // so its case bounds the real time with its drop count instead.
      const worstMs = (config.retryCnt === 7 ? 10 : config.retryCnt + 1) * timerMs;
      expect({ name: c.name, nic: config.nic, timerOk: timerMs >= 128, worstOk: worstMs <= 2500 }).toEqual({
        name: c.name,
        nic: 'rxe',
        timerOk: true,
        worstOk: true,
      });
      for (const f of c.scenario.faults) expect(unsupportedReason(f, { ok: true })).toBeUndefined();
      expect(() => refuseUnrunnable(c.scenario, {})).not.toThrow(
        /retries forever|cannot be injected: (?!.*packet filter)/,
      );
      // Drops name A's WRs only (the driver learns PSNs as A posts): B posts nothing but RECVs.
      expect(c.scenario.workload.filter((s) => s.kind === 'post' && (s.host ?? 'A') !== 'A')).toEqual([]);
    }
  });

  test('the simulator side is deterministic: each case observed twice gives the same outcome', async () => {
    for (const c of corpus.slice(0, 20)) {
      const a = observed(await runScenario(c.scenario, layerOf(c)));
      const b = observed(await runScenario(c.scenario, layerOf(c)));
      expect(differences(a, b)).toEqual([]);
    }
  });

  test('a different status, RECV content or word of B is a difference; identical outcomes are none', () => {
    const base = { completions: ['1:SUCCESS=0'], recvs: ['101:SUCCESS=4'], memoryB: [1, 0] };
    expect(differences(base, { ...base })).toEqual([]);
    expect(differences(base, { ...base, completions: ['1:RETRY_EXC_ERR'] })).toEqual([
      'completions: sim [1:SUCCESS=0] vs rxe [1:RETRY_EXC_ERR]',
    ]);
    expect(differences(base, { ...base, recvs: [] })).toHaveLength(1);
    expect(differences(base, { ...base, memoryB: [1, 1] })).toEqual(['memory of B: sim [1,0] vs rxe [1,1]']);
  });

  test('"drop the response of WR 1 once" with 5 FETCH_ADDs: the simulator (rxe) completes all five, each adding once', async () => {
    const c = NAMED_CASES.find((x) => x.name.startsWith('drop the response of WR 1 once'))!;
    const o = observed(await runScenario(c.scenario, layerOf(c)));
    expect(o.completions).toEqual(['1:SUCCESS=0', '2:SUCCESS=1', '3:SUCCESS=2', '4:SUCCESS=3', '5:SUCCESS=4']);
    expect(o.memoryB[0]).toBe(5);
  });
});
