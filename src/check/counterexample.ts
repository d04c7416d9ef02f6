/** The Counterexample of one violation: the report module's data and renderings. */
import type { Execution } from '../core/execution';
import type { Verdict } from '../core/property';
import type { Counterexample, GeneratorLimits, OpClass } from '../core/results';
import { makeCounterexample } from '../report/counterexample';
import { toolVersion } from '../report/version';

/** What the checker knows about one shrunk violation. */
export interface ViolationFound {
  property: string;
  verdict: Extract<Verdict, { status: 'violated' }>;
  execution: Execution;
  seed: number;
  path: string;
  /** The generator the seed and path belong to (absent when the case was enumerated, not generated). */
  generator?: GeneratorLimits;
  opcode?: OpClass;
}

/** Builds the replayable Counterexample (toYAML/toText/toMermaid come from src/report). */
export function buildCounterexample(v: ViolationFound): Counterexample {
  return makeCounterexample({
    property: v.property,
    explanation: v.verdict.explanation,
    events: v.verdict.events,
    layer: v.execution.layer.name,
    adapter: v.execution.adapter.name,
    seed: v.seed,
    path: v.path,
    ...(v.generator ? { generator: v.generator } : {}),
    scenario: v.execution.scenario,
    trace: v.execution.trace,
    verdict: v.verdict,
    config: v.execution.config,
    toolVersion: toolVersion(),
    ...(v.opcode ? { opcode: v.opcode } : {}),
  });
}
