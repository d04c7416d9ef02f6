/**
 * The black box a contained job's worker keeps in shared memory, readable after the worker died:
 * a heartbeat (runs finished) for the watchdog, and the scenario running now (its JSON), so the
 * supervisor knows which run a limit stopped. Writing it costs a JSON.stringify per run, no
 * message and no timer: the watchdog looks at it once per period (a batch of runs).
 */

/** Bytes kept for the running scenario's JSON; a longer one is recorded as unknown. */
const KEY_BYTES = 256 * 1024;
const HEADER = 8;

/** The shared memory of one job's black box. */
export function newBlackBox(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER + KEY_BYTES);
}

/** The worker's side: records each run as it starts and finishes. */
export class BlackBoxWriter {
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly encoder = new TextEncoder();

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, 2);
    this.bytes = new Uint8Array(buffer, HEADER);
  }

  /** A run of `key` (a scenario's JSON) begins. */
  starting(key: string): void {
    const { written, read } = this.encoder.encodeInto(key, this.bytes);
    Atomics.store(this.words, 1, read === key.length ? written : -1);
  }

  /** A run finished: the watchdog sees progress. */
  finished(): void {
    Atomics.add(this.words, 0, 1);
  }
}

/** The supervisor's side. */
export class BlackBoxReader {
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, 2);
    this.bytes = new Uint8Array(buffer, HEADER);
  }

  /** Runs finished so far. */
  heartbeat(): number {
    return Atomics.load(this.words, 0);
  }

  /** The JSON of the scenario that was running last, if it fit. */
  lastKey(): string | undefined {
    const n = Atomics.load(this.words, 1);
    if (n <= 0) return undefined;
    return new TextDecoder().decode(this.bytes.slice(0, n));
  }
}
