/**
 * The native adapter charges the layer work budget (scenario config maxLayerSteps) exactly as the
 * simulator does: one step per callback and per env call. A host runtime on a stand-in addon (no
 * device: nothing here opens a path) runs layers that stay within, reach and exceed the budget.
 */
import type { VerbsAddon } from '../../adapters/native/binding';
import type { NewEvent, WireConfig } from '../../adapters/native/config';
import { HostRuntime } from '../../adapters/native/host';
import type { LayerEnv, LayerInstance } from '../../src/core/layer';

const idle: LayerInstance = { postSend() {}, postRecv() {}, onCompletion() {} };

/** A host runtime of host A with budget `maxLayerSteps`; its events land in `events`. */
function host(maxLayerSteps: number, events: NewEvent[], controls: unknown[] = []): HostRuntime {
  const config: WireConfig = {
    paths: 1,
    memoryWords: 4,
    timeout: 14,
    retryCnt: 3,
    rnrRetry: 3,
    minRnrTimer: 12,
    maxDestRdAtomic: 1,
    maxRdAtomic: 1,
    pathMtu: 1024,
    maxLayerSteps,
  };
  return new HostRuntime({
    host: 'A',
    addon: {} as VerbsAddon, // never reached: no path is opened
    paths: [{ device: 'stand-in0' }],
    config,
    sink: {
      record: (e) => events.push(e),
      outcome: () => undefined,
      nicWrite: () => undefined,
      control: (m) => controls.push(m),
    },
  });
}

const budgetFaults = (events: NewEvent[]) =>
  events.filter((e) => e.kind === 'LayerFault' && /exceeded the work budget of \d+ steps/.test(e.reason));

/** create() makes `calls` env calls (sendControl: recorded, so charged), after its own step. */
function sender(calls: number) {
  return (env: LayerEnv): LayerInstance => {
    for (let k = 0; k < calls; k++) env.sendControl({ k });
    return idle;
  };
}

describe('the native host charges the layer work budget (maxLayerSteps)', () => {
  test('create() plus 49 env calls fit a budget of 50 steps: no fault, every message sent', () => {
    const events: NewEvent[] = [];
    const controls: unknown[] = [];
    const rt = host(50, events, controls);
    rt.createInstance(sender(49), 0);
    expect(budgetFaults(events)).toEqual([]);
    expect(rt.workBudgetSpent).toBe(false);
    expect(controls).toHaveLength(49);
  });

  test('one env call more exceeds it: one LayerFault naming the limit, and the 50th call never happens', () => {
    const events: NewEvent[] = [];
    const controls: unknown[] = [];
    const rt = host(50, events, controls);
    rt.createInstance(sender(50), 0);
    expect(budgetFaults(events)).toEqual([
      expect.objectContaining({ host: 'A', during: 'create', reason: expect.stringContaining('maxLayerSteps') }),
    ]);
    expect(rt.workBudgetSpent).toBe(true);
    expect(controls).toHaveLength(49);
  });

  test('a callback that loops on env.now() forever is stopped after the budget and called no more', () => {
    const events: NewEvent[] = [];
    const rt = host(1000, events);
    let onControlCalls = 0;
    rt.createInstance(
      (env) => ({
        ...idle,
        onControl() {
          onControlCalls++;
          for (;;) env.now();
        },
      }),
      0,
    );
    rt.deliverControl({ hello: 1 });
    expect(budgetFaults(events)).toEqual([expect.objectContaining({ during: 'onControl' })]);
    rt.deliverControl({ hello: 2 });
    expect(onControlCalls).toBe(1);
    expect(budgetFaults(events)).toHaveLength(1);
  });

  test("the application's posts reach the layer through charged callbacks", () => {
    const events: NewEvent[] = [];
    const rt = host(3, events);
    let posts = 0;
    rt.createInstance(() => ({ ...idle, postSend: () => void posts++ }), 0);
    for (let id = 1; id <= 4; id++) rt.appPostSend({ id, opcode: 'WRITE', addr: 0, value: id });
    // create() is step 1, posts 1 and 2 are steps 2 and 3; post 3 exceeds the budget.
    expect(posts).toBe(2);
    expect(budgetFaults(events)).toEqual([expect.objectContaining({ during: 'postSend' })]);
  });
});
