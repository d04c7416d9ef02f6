/** An Execution (one run of one scenario) and the Adapter that produces it. */
import type { FailoverLayer } from './layer';
import type { Scenario, SimConfig } from './scenario';
import type { EndReason, Trace } from './trace';

/** What an adapter can observe and inject, so properties can say `unknown` instead of guessing. */
export interface AdapterCapabilities {
  /** Execute/PacketLost events are observed (sim) or inferred from memory (native). */
  observesExecution: 'exact' | 'inferred';
  /** Fault kinds this adapter can inject, each with a reason when it cannot. */
  faults: Record<string, { supported: boolean; reason?: string }>;
  /** Whether a run is a pure function of its scenario (twins and replays are meaningful). */
  deterministic: boolean;
}

/** Binds scenarios to a fabric: the simulator or real verbs. */
export interface Adapter {
  readonly name: string;
  readonly capabilities: AdapterCapabilities;
  run(scenario: Scenario, layer: FailoverLayer): Promise<Execution>;
  /** The same run synchronously, where the adapter can (the simulator): the checker's hot path. */
  runSync?(scenario: Scenario, layer: FailoverLayer): Execution;
}

/** One run: its inputs and everything recorded. */
export interface Execution {
  scenario: Scenario;
  config: SimConfig;
  layer: FailoverLayer;
  adapter: Adapter;
  trace: Trace;
  end: { reason: EndReason; timeNs: number; memory: { A: number[]; B: number[] } };
}
