/**
 * The jest globals this integration uses, read from globalThis. Why not import '@jest/globals':
 * rdmacheck must not pin the user's jest version, and the build has no jest types.
 */

/** The subset of jest's globals rdmacheck calls. */
export interface JestGlobals {
  describe(name: string, fn: () => void): void;
  test(name: string, fn: () => Promise<void>, timeoutMs?: number): void;
  expect: { extend(matchers: Record<string, unknown>): void };
}

/** The jest globals, or a clear error when called outside a jest test file. */
export function jestGlobals(api: string): JestGlobals {
  const g = globalThis as unknown as Partial<JestGlobals>;
  if (typeof g.describe !== 'function' || typeof g.test !== 'function' || g.expect === undefined) {
    throw new Error(
      `${api}: jest globals (describe, test, expect) are not defined; call it from a jest test file (or enable injectGlobals)`,
    );
  }
  return g as JestGlobals;
}
