/** What checkLayer returns: a result per property, each failure with its shrunk counterexample. */
import type { Scenario } from './scenario';
import type { Trace } from './trace';
import type { Opcode } from './verbs';

/** A minimal failing run, self-contained and replayable. */
export interface Counterexample {
  property: string;
  /** One or two sentences in the paper's words. */
  explanation: string;
  /** Trace indices that witness the violation. */
  events: number[];
  layer: string;
  adapter: string;
  /** fast-check seed and path: `fc.assert(..., { seed, path })` reproduces the shrunk case. */
  seed: number;
  path: string;
  scenario: Scenario;
  trace: Trace;
  toYAML(): string;
  toText(): string;
  toMermaid(): string;
}

/** One property's result (over one op class, or over the whole workload when `opcode` is absent). */
export interface PropertyResult {
  property: string;
  opcode?: Opcode;
  status: 'holds' | 'violated' | 'unknown';
  runs: number;
  /** Why the result is unknown (a limit was hit, the adapter cannot observe something). */
  reason?: string;
  counterexample?: Counterexample;
}

/** The audit of one layer. `ok` is true when no property was violated. */
export interface Report {
  layer: string;
  adapter: string;
  seed: number;
  ok: boolean;
  results: PropertyResult[];
}
