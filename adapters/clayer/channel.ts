/** How rdmacheck talks to a C-ABI layer: one synchronous call per callback, env requests in line. */
import { constants } from 'node:os';
import type { Reader } from './protocol';

/**
 * A connection to the code of a C layer. `call` sends one call message; each env request the
 * layer makes meanwhile goes to `onEnv`, whose answer (when it returns one) is sent back before
 * the layer goes on; `call` returns the result of the layer's DONE.
 */
export interface Channel {
  call(msg: Buffer, onEnv: (req: Reader) => Buffer | undefined): number;
  /** Set once the channel cannot be used any more (the layer's process died): why. */
  readonly deadReason: string | undefined;
  /** Ends the channel (the layer's instances are destroyed). */
  close(): void;
}

/** The layer's code died (a signal, an exit, or the watchdog): a finding about the layer. */
export class LayerCrash extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerCrash';
  }
}

const SIGNAL_MEANINGS: Record<string, string> = {
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGABRT: 'abort',
  SIGFPE: 'arithmetic exception',
  SIGILL: 'illegal instruction',
  SIGKILL: 'killed',
  SIGTRAP: 'trap',
};

/** A signal number's name, e.g. SIGSEGV. */
export function signalName(signal: number): string {
  const found = Object.entries(constants.signals).find(([, n]) => n === signal);
  return found ? found[0] : `signal ${signal}`;
}

/**
 * How the layer's process died, in words: the watchdog's SIGPROF as an exceeded budget, any
 * other signal by name and meaning, an exit by its code.
 */
export function describeDeath(signal: number, exitCode: number, budgetMs: number): string {
  if (signal === constants.signals.SIGPROF) {
    return `did not return within its CPU budget of ${budgetMs} ms per callback (stopped by rdmacheck's watchdog with SIGPROF): an endless loop?`;
  }
  if (signal !== 0) {
    const name = signalName(signal);
    const meaning = SIGNAL_MEANINGS[name];
    return `crashed: killed by ${name}${meaning ? ` (${meaning})` : ''}`;
  }
  return `exited with code ${exitCode} (a layer must not exit its process)`;
}
