/**
 * Inside a contained job's worker: the adapter every run goes through. It records each run in the
 * black box, and a scenario a limit already stopped (in an earlier worker of the same job) is not
 * run again: it resolves at once to a stopped Execution, whose LayerFault names the limit. Outside
 * a contained worker, contain() returns the adapter itself: the in-process path is unchanged.
 */
import type { Adapter, Execution } from '../../core/execution';
import type { FailoverLayer } from '../../core/layer';
import type { Scenario } from '../../core/scenario';
import { resolveConfig } from '../../core/scenario';
import { BlackBoxWriter } from './black-box';
import { STOPPED_PREFIX } from '../../core/stopped';

/** What the supervisor tells a worker about the limit stops of earlier workers of its job. */
export interface StoppedRuns {
  /** Scenario JSON -> the limit that stopped it. */
  byScenario: Record<string, string>;
  /** When set, every run stops at once with this reason: the job has hit its limits too often. */
  all?: string;
}

/** The text every stopped run's LayerFault starts with (in src/core, for the properties). */
export { STOPPED_PREFIX };

let box: BlackBoxWriter | undefined;
let stopped: StoppedRuns = { byScenario: {} };

/** Called once by the worker entry: from now on contain() records and short-circuits. */
export function installContainment(buffer: SharedArrayBuffer, runs: StoppedRuns): void {
  box = new BlackBoxWriter(buffer);
  stopped = runs;
}

/** True inside a contained worker. */
export function isContained(): boolean {
  return box !== undefined;
}

/** `adapter`, recording and short-circuiting its runs when inside a contained worker. */
export function contain(adapter: Adapter): Adapter {
  const b = box;
  if (b === undefined) return adapter;
  const before = (scenario: Scenario): string | undefined => {
    if (stopped.all !== undefined) return stopped.all;
    const key = JSON.stringify(scenario);
    const reason = stopped.byScenario[key];
    if (reason === undefined) b.starting(key);
    return reason;
  };
  const wrapped: Adapter = {
    name: adapter.name,
    capabilities: adapter.capabilities,
    async run(scenario: Scenario, layer: FailoverLayer): Promise<Execution> {
      const reason = before(scenario);
      if (reason !== undefined) return stoppedExecution(scenario, layer, wrapped, reason);
      const run = await adapter.run(scenario, layer);
      b.finished();
      // Twins and re-runs a property makes through run.adapter are contained too.
      run.adapter = wrapped;
      return run;
    },
  };
  if (adapter.runSync !== undefined) {
    const runSync = adapter.runSync.bind(adapter);
    wrapped.runSync = (scenario, layer) => {
      const reason = before(scenario);
      if (reason !== undefined) return stoppedExecution(scenario, layer, wrapped, reason);
      const run = runSync(scenario, layer);
      b.finished();
      run.adapter = wrapped;
      return run;
    };
  }
  return wrapped;
}

/**
 * The Execution of a run a limit stopped: nothing the layer did survives its worker, so the trace
 * is one LayerFault naming the limit, and the run ends as one stopped at its work budget does
 * (failure-masking reports it; no other property can call it complete).
 */
export function stoppedExecution(
  scenario: Scenario,
  layer: FailoverLayer,
  adapter: Adapter,
  reason: string,
): Execution {
  return {
    scenario,
    config: resolveConfig(scenario),
    layer,
    adapter,
    trace: [{ i: 0, t: 0, kind: 'LayerFault', host: 'A', during: 'the run', reason: `${STOPPED_PREFIX}${reason}` }],
    end: { reason: 'work-budget', timeNs: 0, memory: { A: [], B: [] } },
  };
}
