#!/usr/bin/env node
/** The `rdmacheck` executable: runs the CLI on the process arguments and sets the exit code. */
import { processIo } from './io';
import { runCli } from './run-cli';

void runCli(process.argv.slice(2), processIo()).then((code) => {
  // exitCode, not exit(): lets stdout drain when it is a pipe.
  process.exitCode = code;
});
