/** An Execution (one run of one scenario) and the Adapter that produces it. */
import type { FailoverLayer } from './layer';
import type { Scenario, SimConfig } from './scenario';
import type { EndReason, Trace, TraceEvent } from './trace';

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
  /**
   * runSync, showing `watch` each event as it is recorded, in trace order; once `watch` returns
   * true the run is abandoned and the result is undefined (the sender-view-determinism twin stops
   * where its comparison is decided). Optional: callers fall back to runSync.
   */
  runSyncWatched?(scenario: Scenario, layer: FailoverLayer, watch: (e: TraceEvent) => boolean): Execution | undefined;
}

/** One run: its inputs and everything recorded. */
export interface Execution {
  scenario: Scenario;
  config: SimConfig;
  layer: FailoverLayer;
  adapter: Adapter;
  trace: Trace;
  end: { reason: EndReason; timeNs: number; memory: { A: number[]; B: number[] }; liveness?: LivenessSpent };
}

/**
 * How a run that ended at its time limit spent its liveness budget (the simulator says; an
 * adapter that cannot tell leaves it out). The budget counts from the last fault or application
 * step; time during which a NIC waits on its own timers (retransmission, RNR) is not charged, up
 * to an allowance.
 */
export interface LivenessSpent {
  /** The last fault or application step: the budget counts from here. */
  sinceNs: number;
  /** The budget, all of it charged by the end: scenario config livenessNs. */
  budgetNs: number;
  /** NIC waits after sinceNs that were not charged. */
  nicWaitNs: number;
  /** The most NIC waiting that goes uncharged: (2 x paths + 1) NIC retry cycles and a run of RNR waits. */
  nicAllowanceNs: number;
}
