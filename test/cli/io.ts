/** A CliIo that records what the CLI prints, for tests. */
import type { CliIo } from '../../src/cli/io';
import { runCli } from '../../src/cli/run-cli';

/** The output of one CLI invocation. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with `argv` in working directory `cwd`. */
export async function cli(argv: string[], options: { cwd?: string; tty?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t), isTTY: options.tty === true },
    stderr: { write: (t: string) => (stderr += t), isTTY: options.tty === true },
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
