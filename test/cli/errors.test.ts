import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './io';

const fixtures = join(__dirname, 'fixtures');

/** Exit 2, nothing on stdout, and exactly one line on stderr. */
function expectOneLineError(run: { code: number; stdout: string; stderr: string }): string {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('CLI usage and input errors: one clear line, exit 2', () => {
  test('no command prints the usage and exits 2', async () => {
    const run = await cli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('usage: rdmacheck <command>');
  });

  test('an unknown command lists the commands', async () => {
    expect(expectOneLineError(await cli(['audti']))).toBe(
      'rdmacheck: unknown command "audti"; commands: audit, merge, replay, render, run, shrink, layers, theorems, agent, fabric, verify (rdmacheck --help)',
    );
  });

  test('an unknown layer lists the reference layers', async () => {
    const line = expectOneLineError(await cli(['audit', 'no-such-layer']));
    expect(line).toMatch(
      /^rdmacheck audit: unknown layer "no-such-layer"; reference layers: .*resend-all.*\(or give a path to a \.js\/\.ts module\)$/,
    );
  });

  test('a bad option value says what is accepted', async () => {
    expect(expectOneLineError(await cli(['audit', 'resend-all', '--opcodes', 'WRITE,FOO']))).toBe(
      'rdmacheck audit: --opcodes accepts WRITE, READ, SEND, FETCH_ADD, CMP_SWAP, WRITE_WITH_IMM; got "FOO"',
    );
    expect(expectOneLineError(await cli(['audit', 'resend-all', '--runs', 'many']))).toBe(
      'rdmacheck audit: --runs must be an integer >= 1, got "many"',
    );
    expect(expectOneLineError(await cli(['audit', 'resend-all', '--format', 'xml']))).toBe(
      'rdmacheck audit: --format must be one of text, json, junit, got "xml"',
    );
    expect(expectOneLineError(await cli(['audit', 'resend-all', '--nic', 'mlx5']))).toBe(
      'rdmacheck audit: --nic must be one of ibta, rxe, got "mlx5"',
    );
    expect(expectOneLineError(await cli(['audit', 'resend-all', '--bogus']))).toMatch(
      /^rdmacheck audit: Unknown option '--bogus'/,
    );
  });

  test('a missing layer module or trace file names the path', async () => {
    expect(expectOneLineError(await cli(['audit', './missing-layer.ts']))).toBe(
      'rdmacheck audit: layer module ./missing-layer.ts does not exist',
    );
    expect(expectOneLineError(await cli(['replay', '/nonexistent/cx.yaml']))).toBe(
      'rdmacheck replay: cannot read /nonexistent/cx.yaml: no such file',
    );
  });

  test('a malformed trace file is reported with file, line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'rdmacheck: 1\nproperty: at-most-once\nlayer: [unclosed\n');
    expect(expectOneLineError(await cli(['render', file]))).toMatch(
      new RegExp(`^rdmacheck render: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: not valid YAML: `),
    );
  });

  test('a module that does not export a FailoverLayer gets a clear error', async () => {
    const line = expectOneLineError(
      await cli(['audit', join(fixtures, 'not-a-layer.js'), '--runs', '1', '--opcodes', 'WRITE']),
    );
    expect(line).toMatch(
      /not-a-layer\.js does not export a FailoverLayer \(an object with a name and a create\(env\) function\); it exports answer, helper$/,
    );
  });

  test('a module that throws while loading gets one line, and its stack only with --verbose', async () => {
    const args = ['audit', join(fixtures, 'broken-syntax.ts'), '--runs', '1', '--opcodes', 'WRITE'];
    expect(expectOneLineError(await cli(args))).toMatch(/broken-syntax\.ts failed: this module is broken on purpose$/);
    const verbose = await cli([...args, '--verbose']);
    expect(verbose.code).toBe(2);
    expect(verbose.stderr.split('\n').length).toBeGreaterThan(2);
  });

  test('a layer that loops forever is stopped at the time limit and named', async () => {
    const started = Date.now();
    const line = expectOneLineError(
      await cli([
        'audit',
        join(fixtures, 'loops-forever.ts'),
        '--time-limit',
        '4',
        '--opcodes',
        'WRITE',
        '--runs',
        '5',
      ]),
    );
    // Named by its own name once the worker has loaded it, by its path if the limit came first.
    expect(line).toMatch(
      /^rdmacheck audit: layer (loops-forever \(\S*loops-forever\.ts\)|\S*loops-forever\.ts) did not finish within 4s.*; a layer method may loop forever: fix the layer, or raise --time-limit$/,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
