/**
 * A CLI command (run, shrink, replay, verify) as a contained job (./contained-command): the
 * command runs in the worker against an io whose writes are posted back, numbered, so the
 * supervisor prints each once even when a limit restarts the job and it writes them again.
 */
import type { CliIo } from './io';
import { runCli } from './run-cli';

/** What the job is given: the command line and where it was typed. */
export interface CommandJobInput {
  argv: string[];
  cwd: string;
  columns?: number;
}

/** One write of the command, numbered from 0 in each worker. */
export interface CommandWrite {
  stream: 'stdout' | 'stderr';
  seq: number;
  text: string;
}

/** The job: runs the command line; resolves to its exit code. */
export function runJob(input: unknown, emit: (event: CommandWrite) => void): Promise<number> {
  const { argv, cwd, columns } = input as CommandJobInput;
  let seq = 0;
  const stream = (name: CommandWrite['stream']) => ({
    // Not a terminal: a redrawn progress line is not deterministic, and a restarted job must
    // write what the first one wrote, in the same order, to be deduplicated.
    isTTY: false,
    write: (text: string) => emit({ stream: name, seq: seq++, text }),
  });
  const io: CliIo = {
    stdout: { ...stream('stdout'), ...(columns === undefined ? {} : { columns }) },
    stderr: stream('stderr'),
    cwd,
  };
  return runCli(argv, io);
}
