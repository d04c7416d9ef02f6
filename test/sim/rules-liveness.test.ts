/**
 * Realistic time (docs/simulator.md, "Run end" and "Idle timers"): NIC timeouts of real
 * deployments (14-20: 67 ms to 4.3 s per retransmission timer) and millisecond layer timers cost
 * no more events than microsecond ones, and a run that ends at its time limit says how it spent
 * its liveness budget.
 */
import { properties } from '../../properties';
import { replayRun } from '../../properties/support/replay';
import type { FailoverLayer } from '../../src/core/layer';
import type { Verdict } from '../../src/core/property';
import type { Scenario } from '../../src/core/scenario';
import { resolveGeneratorLimits } from '../../src/check/arbitraries';
import { buildCounterexample } from '../../src/check/counterexample';
import { parseTrace } from '../../src/report/load';
import { passThrough } from '../../src/layers/passThrough';
import { delivered, of, retryOnBackup, run } from './helpers';

const write = { id: 1, opcode: 'WRITE' as const, addr: 0, value: 7 };

/** Path 0 loses every request from the start: the NIC retries, then RETRY_EXC_ERR. */
const pathZeroDead = (timeout: number, extra: Partial<Scenario['config']> = {}): Scenario => ({
  config: { timeout, ...extra },
  workload: [{ kind: 'post', wr: write }],
  faults: [{ kind: 'drop-request', path: 0, count: 'all' }],
});

/** Pass-through plus a heartbeat: every `periodNs` a timer that only re-arms itself. */
function withHeartbeat(layer: FailoverLayer, periodNs: number, hosts: readonly ('A' | 'B')[] = ['A']): FailoverLayer {
  return {
    name: `${layer.name}+heartbeat`,
    create(env) {
      const inner = layer.create(env);
      if (hosts.includes(env.host)) env.setTimer(periodNs, 'heartbeat');
      return {
        ...inner,
        onTimer(token) {
          if (token !== 'heartbeat') return inner.onTimer?.(token);
          env.setTimer(periodNs, 'heartbeat');
        },
      };
    },
  };
}

describe('realistic time', () => {
  test('rule: waiting for a NIC retransmission timer is not charged to the liveness budget (timeout 20: 4.3 s per timer)', () => {
    const ex = run(pathZeroDead(20));
    // retryCnt 2: three timers of 4.096 us x 2^20 each, far beyond the 5 ms budget.
    expect(delivered(ex)).toEqual(['1:RETRY_EXC_ERR']);
    expect(of(ex, 'Timeout').map((e) => e.t)).toEqual([1, 2, 3].map((k) => k * 4096 * 2 ** 20));
    expect(ex.end.reason).toBe('quiescent');
  });

  test('rule: a scenario at timeout 20 produces as many events as at timeout 1 for a layer without timers', () => {
    for (const layer of [passThrough, retryOnBackup]) {
      const slow = run(pathZeroDead(20), layer);
      const fast = run(pathZeroDead(1), layer);
      expect(slow.trace.length).toBe(fast.trace.length);
      expect(slow.trace.map((e) => e.kind)).toEqual(fast.trace.map((e) => e.kind));
      expect(delivered(slow)).toEqual(delivered(fast));
    }
  });

  test('rule: idle firings of a 2 ms heartbeat are folded into one TimerFired; the run under timeout 20 ends with a verdict', () => {
    const layer = withHeartbeat(passThrough, 2_000_000);
    const ex = run(pathZeroDead(20, { maxEvents: 20_000 }), layer);
    expect(ex.end.reason).toBe('time-limit');
    expect(delivered(ex)).toEqual(['1:RETRY_EXC_ERR']);
    // 12.9 s of NIC retries at one firing per 2 ms: thousands of firings, a handful of events.
    const fired = of(ex, 'TimerFired');
    const firings = fired.reduce((n, e) => n + 1 + (e.repeats?.count ?? 0), 0);
    expect(firings).toBeGreaterThan(6_000);
    expect(ex.trace.length).toBeLessThan(60);
    expect(fired[0].repeats?.everyNs).toBe(2_000_000);
    for (const p of [properties.completionFidelity, properties.failureMasking, properties.senderViewDeterminism]) {
      expect(p.check(ex)).not.toHaveProperty('status', 'unknown');
    }
  });

  test('rule: folding changes no observation: the replay feeds every folded firing, at its time', () => {
    const layer = withHeartbeat(passThrough, 2_000_000, ['A', 'B']);
    const ex = run(pathZeroDead(16), layer);
    expect(of(ex, 'TimerFired').some((e) => (e.repeats?.count ?? 0) > 10)).toBe(true);
    expect(replayRun(ex, 'low')).toBeUndefined();
    // A layer whose firing stops being idle after a number of firings is judged on its real times.
    let times: number[] = [];
    const counting: FailoverLayer = {
      name: 'gives-up-on-the-50th-beat',
      create(env) {
        const inner = passThrough.create(env);
        let beats = 0;
        if (env.host === 'A') env.setTimer(1_000_000, 'beat');
        return {
          ...inner,
          onTimer() {
            times.push(env.now());
            if (++beats === 50) return env.sendControl({ beats });
            env.setTimer(1_000_000, 'beat');
          },
        };
      },
    };
    const ex2 = run(pathZeroDead(16), counting);
    const ran = times;
    times = [];
    expect(ran).toEqual(Array.from({ length: 50 }, (_, k) => (k + 1) * 1_000_000));
    expect(of(ex2, 'SendControl').map((e) => e.t)).toEqual([50_000_000]);
    expect(replayRun(ex2, 'high')).toBeUndefined();
    expect(times).toEqual(ran); // the replay called the layer at the same 50 times
  });

  test('folding is deterministic, and a folded firing that the replay finds not idle is a divergence', () => {
    const scenario = pathZeroDead(16);
    const layer = withHeartbeat(passThrough, 2_000_000, ['A', 'B']);
    expect(JSON.stringify(run(scenario, layer).trace)).toBe(JSON.stringify(run(scenario, layer).trace));
    // Idle in the run; on its 4th firing it reads the wall clock, which the replay pins to 0.
    const clockReader: FailoverLayer = {
      name: 'heartbeat-reads-the-clock',
      create(env) {
        const inner = passThrough.create(env);
        let beats = 0;
        env.setTimer(1_000_000, 'beat');
        return {
          ...inner,
          onTimer() {
            if (++beats > 3 && Date.now() < 1_000) env.sendControl('clock');
            env.setTimer(1_000_000, 'beat');
          },
        };
      },
    };
    const ex = run(scenario, clockReader);
    expect(of(ex, 'TimerFired')[0].repeats!.count).toBeGreaterThan(3);
    const divergence = replayRun(ex, 'low');
    expect(divergence).toMatchObject({ host: 'A', during: { kind: 'TimerFired', t: 4_000_000 } });
    expect(divergence?.replayed).toMatchObject({ kind: 'SendControl' });
    expect(divergence?.nondeterminism.join()).toMatch(/Date\.now\(\)/);
  });

  test('a folded chain survives the trace file and is shown as one line of the lane chart', () => {
    const ex = run(pathZeroDead(20, { retryCnt: 0 }), withHeartbeat(passThrough, 2_000_000));
    const verdict = properties.failureMasking.check(ex) as Extract<Verdict, { status: 'violated' }>;
    expect(verdict.status).toBe('violated');
    const cx = buildCounterexample({
      property: 'failure-masking',
      verdict,
      execution: ex,
      seed: 0,
      path: '0',
      generator: resolveGeneratorLimits(),
    });
    const back = parseTrace(cx.toYAML());
    expect(back.trace).toEqual(ex.trace);
    const folded = of(ex, 'TimerFired')[0].repeats!;
    // Every 2 ms until the retransmission timer expires at 4.295 s: the first firing recorded, the rest folded.
    // A firing every 2 ms until the retransmission timer expires at 4.295 s: the first recorded, the rest folded.
    expect(folded.count).toBe(Math.floor((4096 * 2 ** 20) / 2_000_000) - 1);
    expect(cx.toText()).toMatch(/timer heartbeat fired, then 2146 more idle times every 2ms \(until t=4\.294s\)/);
  });

  test('rule: an idle firing is charged like any layer time once no NIC timer runs: the run ends livenessNs after the last fault or step', () => {
    const ex = run(
      { config: { timeout: 20, livenessNs: 3_000_000 }, workload: [{ kind: 'post', wr: write }], faults: [] },
      withHeartbeat(passThrough, 2_000_000),
    );
    expect(delivered(ex)).toEqual(['1:SUCCESS']);
    expect(ex.end.reason).toBe('time-limit');
    // The write's own 2 us on the wire ran under a retransmission timer: not charged.
    expect(ex.end.liveness).toMatchObject({ sinceNs: 0, budgetNs: 3_000_000, nicWaitNs: 2_000 });
    expect(ex.end.timeNs).toBe(3_002_000);
  });

  test('rule: a layer that keeps the NIC busy forever is stopped: NIC waits go uncharged for (2 x paths + 1) retry cycles, then count', () => {
    const reposter: FailoverLayer = {
      name: 'reposts-forever-on-path-0',
      create(env) {
        return {
          postSend: (wr) => void env.post(0, wr),
          postRecv: () => undefined,
          onCompletion() {
            env.reset(0);
            env.post(0, write);
          },
        };
      },
    };
    const ex = run(
      {
        config: { timeout: 18, retryCnt: 1 },
        workload: [{ kind: 'post', wr: write }],
        faults: [{ kind: 'link-down', path: 0, direction: 'a-to-b', after: { on: 'start' } }],
      },
      reposter,
    );
    const cycleNs = 2 * 4096 * 2 ** 18; // (retryCnt + 1) retransmission timers
    const rnrNs = (2 + 2) * 10_000; // (rnrRetry + 2) RNR timers
    expect(ex.end.reason).toBe('time-limit');
    expect(ex.end.liveness).toEqual({
      sinceNs: 0,
      budgetNs: 5_000_000,
      nicWaitNs: 5 * cycleNs + rnrNs,
      nicAllowanceNs: 5 * cycleNs + rnrNs,
    });
    expect(ex.end.timeNs).toBe(5 * cycleNs + rnrNs + 5_000_000);
  });
});
