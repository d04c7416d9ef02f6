/**
 * The worker thread that runs an audit, so the CLI can stop a layer that loops forever (a
 * synchronous loop cannot be interrupted from inside; the main thread terminates this worker).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runAudit } from './audit-run';
import type { AuditRequest } from './audit-run';
import { CliError } from './errors';

/** Messages the worker posts to the CLI. */
export type WorkerMessage =
  | { type: 'layer'; name: string }
  | { type: 'progress' | 'cell'; update: unknown }
  | { type: 'found'; result: unknown }
  | { type: 'done'; report: unknown }
  | { type: 'error'; message: string; usage: boolean; stack?: string };

const port = parentPort;
if (port !== null) {
  runAudit(workerData as AuditRequest, (event) => port.postMessage(event))
    .then((report) => port.postMessage({ type: 'done', report } satisfies WorkerMessage))
    .catch((e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({
        type: 'error',
        message: err.message,
        usage: err instanceof CliError,
        stack: err.stack,
      } satisfies WorkerMessage);
    });
}
