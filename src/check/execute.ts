/** Runs one scenario on an adapter: synchronously when it can (the checker's hot path). */
import type { Adapter, Execution } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import type { Scenario } from '../core/scenario';

/** The Execution of `scenario`, synchronously when the adapter has runSync. */
export function execute(adapter: Adapter, scenario: Scenario, layer: FailoverLayer): Execution | Promise<Execution> {
  return adapter.runSync ? adapter.runSync(scenario, layer) : adapter.run(scenario, layer);
}

/** Wall-clock milliseconds, for the checker's time limits only (never inside a run). */
export function nowMs(): number {
  return performance.now();
}
