/**
 * Nothing lost: an audit interrupted after its first counterexample leaves every counterexample
 * found so far, whole, and says where in one line; two audits into one --out folder never corrupt
 * each other's files.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrace } from '../../src/report/load';
import { spawnCli, waitFor, yamlFiles } from './spawn-cli';

jest.setTimeout(180_000);

let work: string;
beforeEach(() => (work = mkdtempSync(join(tmpdir(), 'rdmacheck-interrupt-'))));
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Every file of `dir` is final (no temporary file left) and every YAML loads and validates. */
function expectEveryFileWhole(dir: string): void {
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  for (const f of yamlFiles(dir)) expect(() => loadTrace(join(dir, f))).not.toThrow();
}

test.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)(
  '%s after the first counterexample: every counterexample kept whole, one line naming the folder',
  async (signal, code) => {
    const out = join(work, 'out');
    // Many runs over three op classes: the audit is far from done when the first column's
    // counterexamples are written.
    const cli = spawnCli(['audit', 'resend-all', '--out', out, '--runs', '5000', '--opcodes', 'WRITE,READ,SEND'], work);
    await waitFor(() => yamlFiles(out).length > 0 || cli.child.exitCode !== null, 150_000, 'a first counterexample');
    expect(cli.child.exitCode).toBeNull();
    const signalledAt = Date.now();
    cli.child.kill(signal);
    const exitCode = await cli.exited;
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(exitCode).toBe(code);
    const last = cli.stderr().trimEnd().split('\n').pop()!;
    expect(last).toMatch(
      new RegExp(`^rdmacheck audit: interrupted by ${signal}; \\d+ counterexamples? found so far, written whole in `),
    );
    expect(last.endsWith(out)).toBe(true);
    const found = Number(/; (\d+) counterexample/.exec(last)![1]);
    expect(yamlFiles(out)).toHaveLength(found);
    expectEveryFileWhole(out);
    expect(cli.stderr()).not.toMatch(/\n\s+at /); // no stack trace
  },
);

test('two audits into the same --out folder both finish and leave every file whole', async () => {
  const out = join(work, 'shared');
  const argv = [
    'audit',
    'resend-all',
    '--out',
    out,
    '--runs',
    '200',
    '--opcodes',
    'WRITE',
    '--properties',
    'at-most-once,linearizability',
  ];
  const [a, b] = [spawnCli(argv, work), spawnCli([...argv, '--seed', '7'], work)];
  const codes = await Promise.all([a.exited, b.exited]);
  expect(codes).toEqual([1, 1]);
  expect(yamlFiles(out).length).toBeGreaterThan(0);
  expectEveryFileWhole(out);
});
