/** The rdmacheck command line: dispatch, exit codes, one-line errors. */
import { TraceFileError } from '../report/schema';
import { agentCommand } from './commands/agent';
import { auditCommand, AUDIT_USAGE } from './commands/audit';
import { fabricCommand } from './commands/fabric';
import { layersCommand } from './commands/layers';
import { mergeCommand } from './commands/merge';
import { renderCommand } from './commands/render';
import { replayCommand } from './commands/replay';
import { runCommand } from './commands/run';
import { shrinkCommand } from './commands/shrink';
import { theoremsCommand } from './commands/theorems';
import { verifyCommand } from './commands/verify';
import { CliError, EXIT } from './errors';
import { needsContainment, runCommandContained } from './contained-command';
import type { CliIo } from './io';
import { toolVersion } from '../report/version';

/** Top-level usage. */
export const USAGE = `rdmacheck ${toolVersion()}: property-based testing for RDMA failover layers

usage: rdmacheck <command> [options]
  audit LAYER         check every property over every op class; print the audit matrix
  merge REPORT...     fold the JSON reports of a sharded audit (audit --shard I/N) into one matrix
  replay FILE         re-run a counterexample file: still fails, now passes, or diverged
  render FILE         render a counterexample as text, mermaid or html
  run FILE            run a scenario file once against a layer: each verdict and the lane chart
  shrink FILE         shrink a failing scenario file (a bug report) to a 1-minimal counterexample
  verify LAYER        check every scenario up to a size (--max-ops, --max-faults): exhaustive, smallest first
  layers              list the reference layers and their rules
  theorems            reproduce the seed paper's theorems on the simulator
  agent               serve the responder side of the native (real verbs) backend
  fabric -- PROGS     run unmodified libibverbs programs on the simulated fabric
  help COMMAND        usage of one command
Exit codes: 0 every property holds, 1 violations found, 2 usage or input error.
Add --verbose for stack traces.

${AUDIT_USAGE}`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  audit: auditCommand,
  merge: mergeCommand,
  replay: replayCommand,
  render: renderCommand,
  run: runCommand,
  shrink: shrinkCommand,
  layers: layersCommand,
  theorems: theoremsCommand,
  agent: agentCommand,
  fabric: fabricCommand,
  verify: verifyCommand,
};

/** Runs the CLI on `argv` (without node and the script); resolves to the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const verbose = argv.includes('--verbose');
  const [command, ...rest] = argv;
  try {
    if (
      command === undefined ||
      command === '--help' ||
      command === '-h' ||
      (command === 'help' && rest.length === 0)
    ) {
      io.stdout.write(`${USAGE}\n`);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(`${toolVersion()}\n`);
      return EXIT.ok;
    }
    if (command === 'help') return await run(rest[0], ['--help'], io);
    return await run(command, rest, io);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    // Usage and input errors are one line; anything else is a bug or a crash worth its stack with --verbose.
    const oneLine = err instanceof CliError || err instanceof TraceFileError ? err.message : err.message.split('\n')[0];
    io.stderr.write(
      `${withCommandPrefix(oneLine, command !== undefined && command in COMMANDS ? command : undefined)}\n`,
    );
    if (verbose && err.stack !== undefined) io.stderr.write(`${err.stack}\n`);
    return EXIT.usage;
  }
}

/** The API names a library error starts with; on the command line the command's name replaces them. */
const API_PREFIX =
  /^(rdmacheck(?: [a-z]+)?|loadTrace|parseTrace|loadScenario|parseScenario|minimizeScenario|replay|regenerateScenario|checkLayer|runScenario|sim|native): /;

/**
 * Every error line starts the same way, "rdmacheck COMMAND: ", whichever layer raised it
 * (loadTrace, replay, the layer loader): the line names the command the user typed.
 */
export function withCommandPrefix(message: string, command: string | undefined): string {
  return `rdmacheck${command === undefined ? '' : ` ${command}`}: ${message.replace(API_PREFIX, '')}`;
}

function run(command: string | undefined, argv: string[], io: CliIo): Promise<number> {
  const handler = command === undefined ? undefined : COMMANDS[command];
  if (handler === undefined) {
    throw new CliError(
      `rdmacheck: unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')} (rdmacheck --help)`,
    );
  }
  // A .js/.ts layer runs in a contained worker (heap limit, watchdog), as audit's does.
  if (needsContainment(command as string, argv, io.cwd)) return runCommandContained(command as string, argv, io);
  return handler(argv, io);
}
