#!/usr/bin/env node
/** The `rdmacheck` executable: runs the CLI on the process arguments and sets the exit code. */
import { processIo } from './io';
import { runCli } from './run-cli';

// `rdmacheck layers | head`: the reader closed the pipe, so stop quietly instead of an EPIPE stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

void runCli(process.argv.slice(2), processIo()).then((code) => {
  // exitCode, not exit(): lets stdout drain when it is a pipe.
  process.exitCode = code;
});
