/**
 * Jepsen's check-safe for rdmacheck: a property is a pure function that never throws. An
 * exception inside a check becomes `unknown` with the reason (checkSafely, in core), and a run
 * cut short by the event limit can never `hold` (a prefix proves a violation, never its absence).
 */
import type { Execution } from '../../src/core/execution';
import type { Property, Verdict } from '../../src/core/property';
import { checkSafely } from '../../src/core/safe-check';
import { workBudgetClause } from './workBudget';

/** The body of a property: may throw, may be async; `defineProperty` makes it safe. */
export type CheckBody = (run: Execution) => Verdict | Promise<Verdict>;

/** Builds a Property whose check never throws and never passes a truncated run. */
export function defineProperty(name: string, description: string, body: CheckBody): Property {
  const settle = (run: Execution, v: Verdict): Verdict => {
    if (v.status === 'holds' && run.end.reason === 'event-limit') {
      return {
        status: 'unknown',
        reason: `${name}: the run hit the event limit (maxEvents ${run.config.maxEvents}) before it ended, so it cannot be judged complete`,
      };
    }
    // The layer was stopped (failure-masking reports that); the prefix proves nothing else holds.
    if (v.status === 'holds' && run.end.reason === 'work-budget') {
      return {
        status: 'unknown',
        reason: `${name}: ${workBudgetClause(run)} before the run ended, so it cannot be judged complete`,
      };
    }
    return v;
  };
  const unsafe = { name, check: body };
  return {
    name,
    description,
    check(run: Execution): Verdict | Promise<Verdict> {
      const v = checkSafely(unsafe, run);
      return v instanceof Promise ? v.then((x) => settle(run, x)) : settle(run, v);
    },
  };
}
