/** SIGINT and SIGTERM during an audit: stop the worker, keep what was written, say where. */

/** The signals an audit answers by stopping cleanly. */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** One of INTERRUPT_SIGNALS. */
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

/** Exit code of a process stopped by `signal` (the shell convention: 128 + signal number). */
export function interruptExitCode(signal: InterruptSignal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/** Thrown when the audit was interrupted; the audit command turns it into one line and its exit code. */
export class AuditInterrupted extends Error {
  constructor(readonly signal: InterruptSignal) {
    super(`rdmacheck audit: interrupted by ${signal}`);
    this.name = 'AuditInterrupted';
  }
}

/** Calls `handler` on the first SIGINT or SIGTERM until the returned function is called. */
export function onInterrupt(handler: (signal: InterruptSignal) => void): () => void {
  const listeners = INTERRUPT_SIGNALS.map((signal) => {
    const listener = () => handler(signal);
    process.once(signal, listener);
    return [signal, listener] as const;
  });
  return () => listeners.forEach(([signal, listener]) => process.removeListener(signal, listener));
}
