/**
 * The other half of the contract: what create(env) must return. A value that is not a
 * LayerInstance (null, a number, an object without its callbacks) is the layer's misuse,
 * recorded as a LayerFault at create; that host then has no instance (nothing it is handed
 * completes), so the properties report what follows from it.
 */

/** The callbacks every LayerInstance must have (the others are optional). */
export const REQUIRED_CALLBACKS = ['postSend', 'postRecv', 'onCompletion'] as const;

/** Why `value`, returned by create(env), is not a LayerInstance (or undefined when it is one). */
export function badInstance(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null)
    return `create(env) returned ${value === null ? 'null' : typeof value}; it must return an object with ${REQUIRED_CALLBACKS.join(', ')}`;
  const missing = REQUIRED_CALLBACKS.filter((k) => typeof (value as Record<string, unknown>)[k] !== 'function');
  return missing.length === 0
    ? undefined
    : `create(env) returned an object without ${missing.join(', ')}; a LayerInstance needs ${REQUIRED_CALLBACKS.join(', ')}`;
}
