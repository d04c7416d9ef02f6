/**
 * Hostile layers given to the CLI by module path, under small containment limits set in the
 * environment (RDMACHECK_HEAP_MB, RDMACHECK_WATCHDOG_MS, RDMACHECK_MAX_LIMIT_FAULTS): audit and
 * run report a layer that loops without calling env, or allocates without bound, as a finding
 * naming the limit, exit 1, one line per finding on stderr, never a crash; counterexamples found
 * before a restart are written once.
 */
import { readdirSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../cli/io';
import type { CliRun } from '../cli/io';

const fixtures = join(__dirname, 'fixtures');
const scenario = join(__dirname, '..', 'fixtures', 'scenarios', 'twelve-steps.scenario.yaml');
const LIMITS = { RDMACHECK_HEAP_MB: '192', RDMACHECK_WATCHDOG_MS: '1500', RDMACHECK_MAX_LIMIT_FAULTS: '0' };
const saved = { ...process.env };
let work: string;
beforeEach(() => {
  Object.assign(process.env, LIMITS);
  work = mkdtempSync(join(tmpdir(), 'rdmacheck-contained-'));
});
afterEach(() => {
  for (const k of Object.keys(LIMITS))
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  rmSync(work, { recursive: true, force: true });
});

/** Each hostile layer (a table row) and the limit its finding must name. */
const HOSTILE: [string, RegExp][] = [
  ['loops-without-env.js', /made no progress for 1\.5 s \(the watchdog stopped its worker\)/],
  ['allocates.js', /exceeded the 192 MB heap limit of its worker/],
];

/** Ended as findings: exit 1, no crash line, no stack trace. */
function expectFindings(r: CliRun): void {
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(/crashed|stopped unexpectedly|did not finish/);
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at /);
}

describe('rdmacheck audit and run of a hostile module layer', () => {
  it.each(HOSTILE)(
    'audit %s: failure-masking names the limit, every other property is judged, one stderr line per finding',
    async (file, limit) => {
      const r = await cli(['audit', join(fixtures, file), '--opcodes', 'WRITE', '--runs', '4', '--format', 'json'], {
        cwd: work,
      });
      expectFindings(r);
      const report = JSON.parse(r.stdout) as {
        results: { property: string; opcode?: string; status: string; counterexample?: { explanation: string } }[];
      };
      const cells = report.results.filter((x) => x.opcode === 'WRITE');
      expect(cells).toHaveLength(6);
      const fm = cells.find((x) => x.property === 'failure-masking')!;
      expect(fm.status).toBe('violated');
      expect(fm.counterexample!.explanation).toMatch(limit);
      expect(fm.counterexample!.explanation).not.toMatch(/maxLayerSteps/);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(cells.length);
      for (const line of lines)
        expect(line).toMatch(/^rdmacheck: [a-z-]+ \[WRITE\]: (violated|unknown|holds) \(\d+ runs?\)$/);
    },
    120_000,
  );

  it.each(HOSTILE)(
    'run FILE --layer %s: the stopped run is a failure-masking finding naming the limit',
    async (file, limit) => {
      const r = await cli(['run', scenario, '--layer', join(fixtures, file), '--property', 'failure-masking'], {
        cwd: work,
      });
      expectFindings(r);
      expect(r.stdout).toMatch(/^rdmacheck run: .* against (loops-without-env|allocates) on sim: /);
      expect(r.stdout.replace(/\s+/g, ' ')).toMatch(limit);
    },
    120_000,
  );

  it('counterexamples found before a restart are written once', async () => {
    process.env.RDMACHECK_MAX_LIMIT_FAULTS = '2';
    const out = join(work, 'out');
    const r = await cli(
      [
        'audit',
        join(fixtures, 'loops-on-read.js'),
        '--opcodes',
        'WRITE,READ',
        '--no-mixed',
        '--runs',
        '30',
        '--properties',
        'failure-masking,at-most-once',
        '--out',
        out,
        '--format',
        'json',
      ],
      { cwd: work },
    );
    expectFindings(r);
    const report = JSON.parse(r.stdout) as { results: { opcode?: string; counterexample?: unknown }[] };
    const found = report.results.filter((x) => x.counterexample !== undefined);
    // The WRITE column's finding came before the READ column's stops restarted the job (twice).
    expect(found.some((x) => x.opcode === 'WRITE')).toBe(true);
    expect(found.some((x) => x.opcode === 'READ')).toBe(true);
    expect(readdirSync(out).filter((f) => f.endsWith('.yaml'))).toHaveLength(found.length);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 180_000);

  it('a bad limit in the environment is one usage line naming the variable', async () => {
    process.env.RDMACHECK_WATCHDOG_MS = 'soon';
    const r = await cli(['audit', join(fixtures, 'allocates.js'), '--opcodes', 'WRITE', '--runs', '1'], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^rdmacheck audit: RDMACHECK_WATCHDOG_MS must be an integer of at least 50 \(got NaN\); unset it for the default\n$/,
    );
  });
});
