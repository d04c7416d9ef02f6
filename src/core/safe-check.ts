/**
 * Jepsen's check-safe, once for all of rdmacheck: a property's check never throws nor rejects;
 * an exception inside it becomes `unknown` with the reason, so one broken check cannot take a
 * whole audit down with it.
 */
import { describeError } from './errors';
import type { Execution } from './execution';
import type { Property, Verdict } from './property';

/** The verdict of `property` on `run`, whatever the check does: a throw or rejection becomes unknown. */
export function checkSafely(property: Pick<Property, 'name' | 'check'>, run: Execution): Verdict | Promise<Verdict> {
  try {
    const v = property.check(run);
    if (typeof (v as { then?: unknown } | undefined)?.then !== 'function') return v as Verdict;
    // Promise.resolve: a thenable becomes a real Promise, so callers may test `instanceof Promise`.
    return Promise.resolve(v).then(undefined, (err: unknown) => crashed(property.name, err));
  } catch (err) {
    return crashed(property.name, err);
  }
}

function crashed(name: string, err: unknown): Verdict {
  return { status: 'unknown', reason: `${name}: the check itself threw (${describeError(err)})` };
}
