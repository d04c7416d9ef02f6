/**
 * Nothing lost under a jest timeout: describeFailoverLayer writes each counterexample as soon as
 * its op class is done, and a test that runs out of time fails with one message naming every file
 * found so far, each whole. Runs a child jest on a suite whose test times out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrace } from '../../src/report/load';

const ROOT = join(__dirname, '..', '..');

test('a describeFailoverLayer test that times out leaves its counterexamples whole and says where', () => {
  const out = mkdtempSync(join(tmpdir(), 'rdmacheck-jest-timeout-'));
  try {
    const child = spawnSync(
      process.execPath,
      [
        require.resolve('jest/bin/jest'),
        '--ci',
        '--forceExit',
        '--rootDir',
        ROOT,
        '--roots',
        '<rootDir>/test/reliability/fixtures',
        '--testMatch',
        '**/times-out.suite.ts',
      ],
      { cwd: ROOT, env: { ...process.env, RDMACHECK_OUT_DIR: out, SUITE_TIMEOUT_MS: '7000' }, encoding: 'utf8' },
    );
    const output = `${child.stdout}${child.stderr}`;
    expect(child.status).toBe(1);
    // The WRITE column's counterexample takes a few seconds; the whole check about twice that.
    const said = /(\d+) counterexamples? found so far, written whole: (.*) \(raise testTimeoutMs/.exec(output);
    if (said === null) throw new Error(`the child jest did not say where the counterexamples are:\n${output}`);
    const named = said![2].split(', ');
    expect(named).toHaveLength(Number(said![1]));
    expect(named.length).toBeGreaterThan(0);
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const f of named) {
      expect(existsSync(f)).toBe(true);
      expect(() => loadTrace(f)).not.toThrow();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);
