/**
 * CLI argument fuzzing: any argv built from real and broken commands, options and values gives
 * exit 0, 1 or 2, at most one line on stderr, and never a stack trace.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { cli } from '../cli/io';
import { FUZZ_RUNS } from './fuzz-runs';

jest.setTimeout(120_000);

const FIXTURES = join(__dirname, '..', 'fixtures');
// Commands that finish quickly on any input; audit, verify, theorems, fabric and agent run long
// searches or serve forever, so only their --help and their option errors are fuzzed.
const quick = fc.constantFrom('render', 'replay', 'layers', 'help', 'run', '', 'nope', '--version', '-h');
/** A first option that makes a long-running command answer at once. */
const stopper = fc.constantFrom('--help', '--runs=-3', '--no-such-option');
const slowHelp = fc.constantFrom('audit', 'verify', 'theorems', 'shrink', 'agent', 'fabric');
const word = fc.oneof(
  fc.constantFrom(
    '--help',
    '--format',
    'mermaid',
    'html',
    'json',
    'text',
    '--layer',
    'resend-all',
    'nope',
    './missing.js',
    '--show',
    '--regenerate',
    '--liveness',
    '-1ms',
    '1e999s',
    '--runs',
    '-3',
    '--seed',
    'x',
    '--',
    '-',
    '--=',
    '--out',
    join(FIXTURES, 'fail-stop.failure-masking.WRITE.yaml'),
    join(FIXTURES, 'malformed', 'syntax-error.yaml'),
    join(FIXTURES, 'malformed', 'binary-noise.yaml'),
    FIXTURES,
    '/dev/null',
  ),
  fc.string({ maxLength: 6 }),
);

/** Checks one CLI run: the exit code and stderr contract. */
function expectContract(run: { code: number; stderr: string }): void {
  expect([0, 1, 2]).toContain(run.code);
  expect(run.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(1);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

test('fuzzed argv of quick commands: exit 0, 1 or 2, one line, no stack trace', async () => {
  await fc.assert(
    fc.asyncProperty(quick, fc.array(word, { maxLength: 5 }), async (command, rest) => {
      // --verbose asks for stack traces on purpose: not part of this contract.
      const argv = [command, ...rest].filter((a) => a !== '' && a !== '--verbose');
      expectContract(await cli(argv));
    }),
    { numRuns: FUZZ_RUNS.argvQuick, seed: 12 },
  );
});

test('fuzzed argv of long-running commands that must refuse or explain before running', async () => {
  await fc.assert(
    fc.asyncProperty(slowHelp, stopper, fc.array(word, { maxLength: 4 }), async (command, first, rest) => {
      // With --help, or with a bad option first, the command answers without running.
      const argv = [command, first, ...rest];
      expectContract(await cli(argv));
    }),
    { numRuns: FUZZ_RUNS.argvSlow, seed: 12 },
  );
});
