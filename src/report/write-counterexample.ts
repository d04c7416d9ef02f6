/**
 * Writing a counterexample file that its own loader accepts: the YAML is read back (parseTrace,
 * the same validation `render` and `replay` use) before a byte reaches the disk. A file the
 * loader would refuse is a bug in rdmacheck, and is reported as one instead of being written.
 */
import type { CounterexampleData } from '../core/results';
import { counterexampleToYAML } from './codec';
import type { ToYamlOptions } from './codec';
import { parseTrace, TraceFileError } from './load';
import { writeFileAtomic } from './write-atomic';

/** A counterexample whose YAML its own loader refuses: a bug in rdmacheck, never the user's. */
export class UnreadableCounterexampleError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'UnreadableCounterexampleError';
  }
}

/**
 * The counterexample's YAML, after checking that parseTrace reads it back; throws
 * UnreadableCounterexampleError (naming the file, the field and the seed) when it would not.
 */
export function checkedCounterexampleYAML(data: CounterexampleData, file: string, options: ToYamlOptions = {}): string {
  const text = counterexampleToYAML(data, options);
  try {
    parseTrace(text, { file, api: 'loadTrace' });
  } catch (e) {
    if (!(e instanceof TraceFileError)) throw e;
    throw new UnreadableCounterexampleError(
      `rdmacheck: bug in rdmacheck: the counterexample file ${file} would not load back, so it was not written ` +
        `(${e.message.replace(/^loadTrace: /, '')}); please report this with the layer, seed ${data.seed} and path "${data.path}"`,
      file,
    );
  }
  return text;
}

/** Writes the counterexample's YAML to `file` whole, only if its loader reads it back (see checkedCounterexampleYAML). */
export function writeCounterexampleFile(file: string, data: CounterexampleData, options: ToYamlOptions = {}): void {
  writeFileAtomic(file, checkedCounterexampleYAML(data, file, options));
}
