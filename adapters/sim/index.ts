/** The simulator adapter: a deterministic RC fabric in virtual time. */
import type { Adapter, AdapterCapabilities, Execution } from '../../src/core/execution';
import type { FailoverLayer } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import { FAULT_KINDS } from '../../src/core/scenario';
import type { TraceEvent } from '../../src/core/trace';
import { Simulator } from './simulator';

export { ScenarioError, validateScenario } from '../../src/core/validate';
export { Simulator } from './simulator';

/** Options of the simulator adapter. */
export interface SimOptions {
  /** A name for reports (default 'sim'). */
  name?: string;
}

const CAPABILITIES: AdapterCapabilities = {
  observesExecution: 'exact',
  deterministic: true,
  faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, { supported: true }])),
};

/** The simulator adapter. A run is a pure function of its scenario. */
export function sim(options: SimOptions = {}): Adapter {
  const adapter: Adapter = {
    name: options.name ?? 'sim',
    capabilities: CAPABILITIES,
    runSync(scenario: Scenario, layer: FailoverLayer): Execution {
      return new Simulator(scenario, layer).run(adapter);
    },
    runSyncWatched(scenario: Scenario, layer: FailoverLayer, watch: (e: TraceEvent) => boolean): Execution | undefined {
      return new Simulator(scenario, layer).runWatched(adapter, watch);
    },
    async run(scenario: Scenario, layer: FailoverLayer): Promise<Execution> {
      return adapter.runSync!(scenario, layer);
    },
  };
  return adapter;
}
