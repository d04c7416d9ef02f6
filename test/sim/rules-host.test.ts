/**
 * Host CPUs, devices and layer memory (docs/simulator.md, "Host CPUs, devices and layer memory"):
 * a completion reaches a layer only when its host polls (pollDelayNs) and never while its CPU is
 * paused; a nic-death takes every path on the dying path's device (pathDevice) while a qp-error
 * stays on its path; words a layer owns (layerMemoryWords) are reachable by the peer's layer
 * only, and are in no memory snapshot; a reset drops unpolled completions (resetCancelsInFlight).
 */
import type { FailoverLayer, LayerEnv } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import type { SendWr, WorkCompletion } from '../../src/core/verbs';
import { validateScenario } from '../../src/core/validate';
import { delivered, of, run } from './helpers';

const write = (id: number, addr: number, value: number): SendWr => ({ id, opcode: 'WRITE', addr, value });

/** Posts on path 0, delivers what completes; `extra` runs at creation and on every completion. */
function onPathZero(
  name: string,
  extra: { create?: (env: LayerEnv) => void; completion?: (env: LayerEnv, wc: WorkCompletion) => void } = {},
): FailoverLayer {
  return {
    name,
    create(env) {
      extra.create?.(env);
      return {
        postSend: (wr) => void env.post(0, wr),
        postRecv: (wr) => void env.postRecv(0, wr),
        onCompletion: (_p, wc) => {
          extra.completion?.(env, wc);
          if (wc.wrId >= 0) env.deliver(wc);
        },
        onTimer: () => undefined,
      };
    },
  };
}

describe('pollDelayNs: a completion reaches the layer when its host polls', () => {
  test('rule: with pollDelayNs.A = 50 us, the Completion of a WRITE ACKed at 2 us is observed at 52 us', () => {
    const base = run({ workload: [{ kind: 'post', wr: write(1, 0, 1) }] });
    const late = run({ config: { pollDelayNs: { A: 50_000 } }, workload: [{ kind: 'post', wr: write(1, 0, 1) }] });
    const at = (ex: typeof base) => of(ex, 'Completion')[0].t;
    expect(at(late) - at(base)).toBe(50_000);
    expect(delivered(late)).toEqual(['1:SUCCESS']);
  });

  test("rule: the delay is per host: B's poll delay leaves A's completions on time", () => {
    const base = run({ workload: [{ kind: 'post', wr: write(1, 0, 1) }] });
    const bLate = run({ config: { pollDelayNs: { B: 50_000 } }, workload: [{ kind: 'post', wr: write(1, 0, 1) }] });
    expect(of(bLate, 'Completion')[0].t).toBe(of(base, 'Completion')[0].t);
  });
});

describe('pause: a host whose CPU stalls gets no callback until it resumes', () => {
  const paused = (durationNs: number): Scenario => ({
    workload: [
      { kind: 'post', wr: write(1, 0, 1) },
      { kind: 'post', wr: write(2, 1, 2) },
    ],
    faults: [{ kind: 'pause', host: 'A', after: { on: 'start' }, durationNs }],
  });

  test('rule: completions queue during the pause and arrive in order when it ends; the NIC went on (both WRITEs executed at once)', () => {
    const ex = run(paused(100_000));
    const completions = of(ex, 'Completion');
    expect(completions.map((c) => [c.wc.wrId, c.t])).toEqual([
      [1, 100_000],
      [2, 100_000],
    ]);
    expect(of(ex, 'Execute').every((e) => e.t < 10_000)).toBe(true);
    const resumed = of(ex, 'Fault').find((f) => f.phase === 'end')!;
    expect(resumed.i).toBeLessThan(completions[0].i);
  });

  test('rule: a timer due during the pause fires when the pause ends, not before', () => {
    const layer = onPathZero('timer-during-pause', { create: (env) => env.setTimer(20_000, 'tick') });
    const ex = run({ ...paused(100_000), workload: [] }, layer);
    const fired = (host: 'A' | 'B') =>
      of(ex, 'TimerFired')
        .filter((t) => t.host === host)
        .map((t) => t.t);
    expect(fired('A')).toEqual([100_000]);
    expect(fired('B')).toEqual([20_000]); // B's CPU was not paused
  });

  test('rule: a pause is a fault of the scenario: validated (positive duration, a host)', () => {
    expect(() =>
      validateScenario({ workload: [], faults: [{ kind: 'pause', host: 'A', after: { on: 'start' }, durationNs: 0 }] }),
    ).toThrow(/faults\[0\]\.durationNs: must be a positive integer/);
  });
});

describe('pathDevice: several QPs on one device', () => {
  const paths3 = (pathDevice: number[], kind: 'nic-death' | 'qp-error'): Scenario => ({
    config: { paths: 3, pathDevice },
    workload: [],
    faults: [{ kind, host: 'A', path: 0, after: { on: 'start' } }],
  });

  test('rule: a nic-death takes every path on the dying path’s device (PORT_ERR on each), and no other', () => {
    const ex = run(paths3([0, 1, 0], 'nic-death'));
    expect(of(ex, 'PortEvent').map((p) => [p.path, p.event])).toEqual([
      [0, 'PORT_ERR'],
      [2, 'PORT_ERR'],
    ]);
  });

  test('rule: without pathDevice each path is its own device (one PORT_ERR)', () => {
    const ex = run({ ...paths3([], 'nic-death'), config: { paths: 3 } });
    expect(of(ex, 'PortEvent').map((p) => p.path)).toEqual([0]);
  });

  test('rule: a qp-error stays on its path even when the device carries others', () => {
    const ex = run(paths3([0, 1, 0], 'qp-error'));
    const toErr = of(ex, 'QpState').filter((q) => q.to === 'ERR');
    expect(toErr.map((q) => [q.host, q.path])).toEqual([['A', 0]]);
  });
});

describe("layerMemoryWords: words a layer owns, readable by the peer's layer", () => {
  const config = { memoryWords: 4, layerMemoryWords: 8 };
  /** B's layer writes 77 into its word 4 + 3 at creation; A's layer READs it with WR -1. */
  const reader = (addr: number, id: number): FailoverLayer => ({
    name: 'layer-memory-reader',
    create(env) {
      if (env.host === 'B') env.memory.write(7, 77);
      return {
        postSend: (wr) => {
          env.post(0, wr);
          env.post(0, { id, opcode: 'READ', addr });
        },
        postRecv: (wr) => void env.postRecv(0, wr),
        onCompletion: (_p, wc) => (wc.wrId >= 0 ? env.deliver(wc) : undefined),
      };
    },
  });

  test("rule: the peer's layer READs a layer word with its own (negative-id) WR and gets its value", () => {
    const ex = run({ config, workload: [{ kind: 'post', wr: write(1, 0, 1) }] }, reader(7, -1));
    const read = of(ex, 'Completion').find((c) => c.wc.wrId === -1)!;
    expect(read.wc).toMatchObject({ status: 'SUCCESS', value: 77 });
    expect(of(ex, 'LayerFault')).toEqual([]);
  });

  test("rule: the layer's words are in no memory snapshot: End holds the application's memoryWords only", () => {
    const ex = run({ config, workload: [{ kind: 'post', wr: write(1, 0, 1) }] }, reader(7, -1));
    expect(ex.end.memory.B).toEqual([1, 0, 0, 0]);
    expect(of(ex, 'End')[0].memory.B).toHaveLength(4);
  });

  test("rule: the application's WRs do not reach the layer's words (REM_ACCESS_ERR)", () => {
    const ex = run({ config, workload: [{ kind: 'post', wr: { id: 1, opcode: 'READ', addr: 7 } }] });
    expect(delivered(ex)).toEqual(['1:REM_ACCESS_ERR']);
  });

  test('rule: the env tells the layer how many words it owns (layerMemoryWords), after memoryWords', () => {
    let seen: [number | undefined, number | undefined] = [undefined, undefined];
    const layer = onPathZero('sees-layer-words', { create: (env) => (seen = [env.memoryWords, env.layerMemoryWords]) });
    run({ config, workload: [] }, layer);
    expect(seen).toEqual([4, 8]);
  });
});

describe('resetCancelsInFlight: whether a reset drops the completions not yet polled', () => {
  /** A polls 50 us late; at 10 us (WRITE 1 ACKed, its CQE unpolled) A's layer resets path 0. */
  const scenario = (resetCancelsInFlight: boolean): Scenario => ({
    config: { pollDelayNs: { A: 50_000 }, resetCancelsInFlight },
    workload: [{ kind: 'post', wr: write(1, 0, 1) }],
    faults: [],
  });
  const resetsAt10us: FailoverLayer = {
    name: 'resets-under-an-unpolled-cqe',
    create(env) {
      if (env.host === 'A') env.setTimer(10_000, 'reset');
      return {
        postSend: (wr) => void env.post(0, wr),
        postRecv: (wr) => void env.postRecv(0, wr),
        onCompletion: (_p, wc) => env.deliver(wc),
        onTimer: () => env.reset(0),
      };
    },
  };

  test('rule: true (the default, as mlx5 cleans the CQ on RESET): the unpolled completion is gone', () => {
    expect(of(run(scenario(true), resetsAt10us), 'Completion')).toEqual([]);
  });

  test('rule: false: it is still polled after the reset', () => {
    expect(delivered(run(scenario(false), resetsAt10us))).toEqual(['1:SUCCESS']);
  });
});
