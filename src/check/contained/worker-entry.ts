/**
 * The worker of a contained job (./supervise): installs the black box and the runs stopped by
 * earlier workers (./contain), then runs the job module's `runJob(input, emit)` and posts its
 * events and result. A job module is any file exporting runJob: the checker's (./check-job) and
 * the CLI commands' jobs share this one worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { installContainment } from './contain';
import type { StoppedRuns } from './contain';

/** What the supervisor gives the worker. */
export interface JobWorkerData {
  /** Absolute path of the job module (without extension). */
  jobFile: string;
  input: unknown;
  blackBox: SharedArrayBuffer;
  stopped: StoppedRuns;
}

/** A job module's export. */
export type RunJob = (input: unknown, emit: (event: unknown) => void) => Promise<unknown>;

/** Messages the worker posts. */
export type JobMessage =
  /** The job module is loaded (rdmacheck's own code): the watchdog starts now. */
  | { type: 'started' }
  | { type: 'event'; event: unknown }
  | { type: 'done'; result: unknown }
  | { type: 'error'; message: string; name: string; stack?: string };

const port = parentPort;
if (port !== null) {
  const data = workerData as JobWorkerData;
  installContainment(data.blackBox, data.stopped);
  const fail = (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ type: 'error', message: err.message, name: err.name, stack: err.stack } satisfies JobMessage);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the job module is chosen at run time
    const job = require(data.jobFile) as { runJob: RunJob };
    port.postMessage({ type: 'started' } satisfies JobMessage);
    job
      .runJob(data.input, (event) => port.postMessage({ type: 'event', event } satisfies JobMessage))
      .then((result) => port.postMessage({ type: 'done', result } satisfies JobMessage), fail);
  } catch (e) {
    fail(e);
  }
}
