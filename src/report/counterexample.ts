/** The Counterexample class: counterexample data with its renderings as prototype methods. */
import type { Counterexample, CounterexampleData, Report } from '../core/results';
import { counterexampleToYAML } from './codec';
import { renderMermaid } from './mermaid';
import { renderText } from './text';

/**
 * A Counterexample whose own fields are its data, in a fixed key order, and whose methods live on
 * the prototype: JSON, YAML and structuredClone see plain data, and nothing has to be stripped
 * before it crosses a worker boundary.
 */
export class CounterexampleRecord implements Counterexample {
  // `declare`: no class-field initialisers, so the constructor alone decides which own fields
  // exist and in what order (an absent optional field is not an own `undefined`).
  declare property: string;
  declare explanation: string;
  declare events: number[];
  declare layer: string;
  declare adapter: string;
  declare seed: number;
  declare path: string;
  declare generator?: CounterexampleData['generator'];
  declare scenario: CounterexampleData['scenario'];
  declare trace: CounterexampleData['trace'];
  declare verdict?: CounterexampleData['verdict'];
  declare config?: CounterexampleData['config'];
  declare toolVersion?: string;
  declare opcode?: CounterexampleData['opcode'];

  constructor(data: CounterexampleData) {
    this.property = data.property;
    this.explanation = data.explanation;
    this.events = [...data.events];
    this.layer = data.layer;
    this.adapter = data.adapter;
    this.seed = data.seed;
    this.path = data.path;
    // Optional fields become own properties only when present, so that a clone equals the original.
    if (data.generator !== undefined) this.generator = data.generator;
    this.scenario = data.scenario;
    this.trace = data.trace;
    if (data.verdict !== undefined) this.verdict = data.verdict;
    if (data.config !== undefined) this.config = data.config;
    if (data.toolVersion !== undefined) this.toolVersion = data.toolVersion;
    if (data.opcode !== undefined) this.opcode = data.opcode;
  }

  toYAML(): string {
    return counterexampleToYAML(this);
  }

  toText(): string {
    return renderText(this);
  }

  toMermaid(): string {
    return renderMermaid(this);
  }
}

/**
 * A Counterexample from its data: built by the checker, read from a trace file, or received as a
 * plain object (JSON.parse, structuredClone, a worker message) that lost its methods. Only the
 * counterexample's own fields are kept.
 */
export function makeCounterexample(data: CounterexampleData): Counterexample {
  return new CounterexampleRecord(data);
}

/**
 * The same report with every counterexample given its methods back, for a report that crossed a
 * worker boundary or was parsed from JSON (its counterexamples arrive as plain data).
 */
export function rewrapReport(report: Report): Report {
  return {
    ...report,
    results: report.results.map((r) =>
      r.counterexample === undefined ? r : { ...r, counterexample: makeCounterexample(r.counterexample) },
    ),
  };
}
