/** Thrown values as text: one implementation, so every message that quotes an error reads alike. */

/** A thrown value as one line: "Name: message" for an Error, String(value) otherwise. */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
