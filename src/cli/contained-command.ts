/**
 * run, shrink, replay and verify given a .js/.ts layer module: the whole command runs as a
 * contained job (./command-job in src/check/contained's worker: heap limit, watchdog per batch of
 * runs), so a layer that loops without calling env or allocates without bound ends as a finding
 * naming the limit, as in audit and checkLayer, instead of hanging or killing rdmacheck. One
 * mechanism for the four commands; reference layers and the native adapter run in-process.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isContained } from '../check/contained/contain';
import { JobError, runContained } from '../check/contained/supervise';
import type { CommandJobInput, CommandWrite } from './command-job';
import { containmentFromEnv } from './containment-env';
import { CliError } from './errors';
import type { CliIo } from './io';

/** The commands that run a layer given on their command line. */
export const CONTAINED_COMMANDS: readonly string[] = ['run', 'shrink', 'replay', 'verify'];

/**
 * True when `command` should run contained: it names an existing .js/.ts file among its
 * arguments (the layer: verify's positional, or --layer) and is not already in a contained
 * worker. Running a command contained when it did not need it only costs a worker start.
 */
export function needsContainment(command: string, argv: readonly string[], cwd: string): boolean {
  if (!CONTAINED_COMMANDS.includes(command) || isContained()) return false;
  // The native adapter talks to real verbs from this process (its addon is not loaded in workers).
  const adapter = argv.findIndex((a) => a === '--adapter' || a.startsWith('--adapter='));
  if (adapter >= 0 && (argv[adapter].split('=')[1] ?? argv[adapter + 1]) === 'native') return false;
  return argv.some((a) => {
    const file = a.replace(/^--layer=/, '');
    return /\.c?[jt]s$/.test(file) && existsSync(resolve(cwd, file));
  });
}

/** Runs `command argv` in a contained worker, its output on `io`; resolves to its exit code. */
export async function runCommandContained(command: string, argv: string[], io: CliIo): Promise<number> {
  const api = `rdmacheck ${command}`;
  const input: CommandJobInput = {
    argv: [command, ...argv],
    cwd: io.cwd,
    ...(io.stdout.columns === undefined ? {} : { columns: io.stdout.columns }),
  };
  let printed = 0;
  try {
    const outcome = await runContained<number>(
      { jobFile: join(__dirname, 'command-job'), input },
      {
        api,
        ...containmentFromEnv(command),
        onEvent: (e) => {
          // A restarted job writes again what its first worker wrote: print from where we were.
          const w = e as CommandWrite;
          if (w.seq < printed) return;
          printed = w.seq + 1;
          io[w.stream].write(w.text);
        },
      },
    );
    return outcome.result;
  } catch (e) {
    if (e instanceof JobError) throw new CliError(e.message);
    throw e;
  }
}
