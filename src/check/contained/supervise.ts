/**
 * Runs a job that executes a layer loaded from a module path in a worker thread with a heap limit
 * and a watchdog per batch of runs: the watchdog looks at the black box's heartbeat once per
 * period, so a run costs no message and no timer. When the worker runs out of heap or makes no
 * progress for a period, the run it was in (read from the black box) becomes a finding: the job
 * restarts in a fresh worker where that scenario resolves at once to a stopped run naming the
 * limit. Jobs are deterministic, so the restarted job retraces its steps and goes past it. After
 * maxLimitFaults stops, every later run of the job is stopped at once: bounded time.
 */
import { join } from 'node:path';
import { BlackBoxReader, newBlackBox } from './black-box';
import type { StoppedRuns } from './contain';
import type { ContainmentOptions, LimitStop } from './limits';
import { describeLimit, resolveContainment } from './limits';
import { startWorkerFile } from './start-worker';
import type { JobMessage, JobWorkerData } from './worker-entry';

/** A job for a contained worker: the module exporting runJob, and its input (structured-cloneable). */
export interface ContainedJob {
  jobFile: string;
  input: unknown;
}

/** How a contained job went, besides its result. */
export interface ContainedOutcome<R> {
  result: R;
  /** The limit stops absorbed (one per restart), in order. */
  stops: { limit: string; scenarioKnown: boolean }[];
}

/** Options of runContained. */
export interface SuperviseOptions extends ContainmentOptions {
  /** The API name error messages start with. */
  api: string;
  /** Events the job emits (replayed ones included after a restart: the receiver deduplicates). */
  onEvent?: (event: unknown) => void;
  /** Stops the job (rejecting with `abort.reason`): SIGINT, a jest deadline, a wall-clock limit. */
  abort?: AbortSignal;
}

/** An error the job itself threw, with its name (e.g. CliError) kept. */
export class JobError extends Error {
  constructor(message: string, name: string, stack: string | undefined) {
    super(message);
    this.name = name;
    if (stack !== undefined) this.stack = stack;
  }
}

const WORKER_ENTRY = join(__dirname, 'worker-entry');

/** Runs `job` contained; resolves to its result once it finishes, whatever the layer does. */
export async function runContained<R>(job: ContainedJob, options: SuperviseOptions): Promise<ContainedOutcome<R>> {
  const limits = resolveContainment(options.api, options);
  const stopped: StoppedRuns = { byScenario: {} };
  const stops: ContainedOutcome<R>['stops'] = [];
  for (;;) {
    const attempt = await runOnce<R>(job, stopped, limits, options);
    if (attempt.kind === 'done') return { result: attempt.result, stops };
    const limit = describeLimit(attempt.stop);
    stops.push({ limit, scenarioKnown: attempt.scenario !== undefined });
    if (attempt.scenario !== undefined && stops.length <= limits.maxLimitFaults)
      stopped.byScenario[attempt.scenario] = limit;
    else
      stopped.all =
        `${limit}; after ${stops.length} such stop${stops.length === 1 ? '' : 's'} rdmacheck no longer runs ` +
        'this layer in this job (every later run is stopped at once)';
  }
}

type Attempt<R> = { kind: 'done'; result: R } | { kind: 'stopped'; stop: LimitStop; scenario: string | undefined };

function runOnce<R>(
  job: ContainedJob,
  stopped: StoppedRuns,
  limits: Required<ContainmentOptions>,
  options: SuperviseOptions,
): Promise<Attempt<R>> {
  return new Promise((resolve, reject) => {
    const blackBox = newBlackBox();
    const box = new BlackBoxReader(blackBox);
    const data: JobWorkerData = { jobFile: job.jobFile, input: job.input, blackBox, stopped };
    const worker = startWorkerFile(WORKER_ENTRY, data, { maxOldGenerationSizeMb: limits.heapMb });
    let settled = false;
    let beat = -1;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      options.abort?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const stop = (s: LimitStop) => settle(() => resolve({ kind: 'stopped', stop: s, scenario: box.lastKey() }));
    // The watchdog: one look per period, armed once rdmacheck's own modules are loaded (their
    // load time under ts-node is not the layer's); loading the layer module counts as a run.
    let watchdog: ReturnType<typeof setInterval> | undefined;
    const arm = () =>
      (watchdog = setInterval(() => {
        const now = box.heartbeat();
        if (now === beat) stop({ kind: 'watchdog', watchdogMs: limits.watchdogMs });
        beat = now;
      }, limits.watchdogMs));
    const onAbort = () => settle(() => reject(options.abort!.reason));
    if (options.abort?.aborted) return onAbort();
    options.abort?.addEventListener('abort', onAbort);
    worker.on('message', (m: JobMessage) => {
      if (m.type === 'started') arm();
      else if (m.type === 'event') options.onEvent?.(m.event);
      else if (m.type === 'done') settle(() => resolve({ kind: 'done', result: m.result as R }));
      else settle(() => reject(new JobError(m.message, m.name, m.stack)));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') stop({ kind: 'heap', heapMb: limits.heapMb });
      else settle(() => reject(new Error(`${options.api}: the worker running the layer crashed: ${e.message}`)));
    });
    worker.on('exit', (code) =>
      settle(() =>
        reject(new Error(`${options.api}: the worker running the layer stopped unexpectedly (exit ${code})`)),
      ),
    );
  });
}
