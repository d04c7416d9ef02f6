/** runScenario: one scenario, one layer, one adapter (the simulator by default). */
import { sim } from '../../adapters/sim';
import type { Adapter, Execution } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import type { Scenario } from '../core/scenario';

/** Runs one scenario against `layer` and resolves to its Execution. */
export async function runScenario(
  scenario: Scenario,
  layer: FailoverLayer,
  options: { adapter?: Adapter } = {},
): Promise<Execution> {
  const adapter = options.adapter ?? sim();
  return adapter.run(scenario, layer);
}

/** The same, synchronously, on an adapter that can (the simulator). */
export function runScenarioSync(
  scenario: Scenario,
  layer: FailoverLayer,
  options: { adapter?: Adapter } = {},
): Execution {
  const adapter = options.adapter ?? sim();
  if (!adapter.runSync)
    throw new Error(`runScenarioSync: the ${adapter.name} adapter cannot run synchronously; use runScenario`);
  return adapter.runSync(scenario, layer);
}
