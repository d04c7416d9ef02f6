/** Properties and their verdicts. */
import type { Execution } from './execution';

/** A property's judgement of one execution; `events` are trace indices that witness it. */
export type Verdict =
  | { status: 'holds' }
  | { status: 'unknown'; reason: string }
  | { status: 'violated'; explanation: string; events: number[] };

/** A generic property, stated once over an Execution. It returns data and never throws. */
export interface Property {
  readonly name: string;
  /** One line: what the property demands. */
  readonly description?: string;
  check(run: Execution): Verdict | Promise<Verdict>;
}
