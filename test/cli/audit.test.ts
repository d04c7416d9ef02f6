import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECK_DEFAULTS, GENERATOR_VERSION } from '../../src/check/options';
import { loadTrace } from '../../src/report/load';
import { cli } from './io';

const fixtures = join(__dirname, 'fixtures');

describe('rdmacheck audit', () => {
  const out = mkdtempSync(join(tmpdir(), 'rdmacheck-audit-'));
  let run: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    run = await cli([
      'audit',
      'resend-all',
      '--opcodes',
      'WRITE,FETCH_ADD',
      '--properties',
      'at-most-once,failure-masking',
      '--runs',
      '30',
      '--out',
      out,
    ]);
  });

  test('exits 1 when a property is violated and prints the matrix: properties x op classes with run counts', () => {
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('property'));
    expect(header).toMatch(/^property\s+WRITE\s+FETCH_ADD\s+mixed$/);
    expect(lines.find((l) => l.startsWith('at-most-once'))).toMatch(
      /^at-most-once\s+(holds|violated|unknown) \(\d+\)\s+violated \(\d+\)\s+\w+ \(\d+\)$/,
    );
    expect(lines.find((l) => l.startsWith('failure-masking'))).toMatch(
      /^failure-masking\s+\w+ \(\d+\)\s+\w+ \(\d+\)\s+\w+ \(\d+\)$/,
    );
  });

  test('names each violation with its explanation and replay command', () => {
    // A long shrink path is shortened on the terminal (seed-line.ts); the file has it whole.
    expect(run.stdout).toMatch(
      /at-most-once \[FETCH_ADD\] violated: [^\n]+(\n[^ \n][^\n]*)*\n {2}seed \d+, path "[\d:]+(…" \(\d+ shrink steps; whole in the counterexample file\)|"); replay: npx rdmacheck replay \S+resend-all\.at-most-once\.FETCH_ADD\.yaml/,
    );
  });

  test('writes each counterexample as YAML and HTML, and the whole report as report.html', () => {
    const files = readdirSync(out);
    expect(files).toContain('resend-all.at-most-once.FETCH_ADD.yaml');
    expect(files).toContain('resend-all.at-most-once.FETCH_ADD.html');
    expect(files).toContain('report.html');
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const cx = loadTrace(join(out, 'resend-all.at-most-once.FETCH_ADD.yaml'));
    expect(cx.layer).toBe('resend-all');
    expect(cx.opcode).toBe('FETCH_ADD');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<table class="matrix">');
  });

  test('without a TTY, progress is plain lines on stderr, one per finished cell', () => {
    expect(run.stderr).not.toContain('\r');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(6); // 2 properties x (2 op classes + mixed)
    expect(run.stderr).toMatch(/^rdmacheck: at-most-once \[FETCH_ADD\]: violated \(\d+ runs?\)$/m);
  });

  test('compares a reference layer with the audit its documentation promises', () => {
    expect(run.stdout).toMatch(/documented audit of resend-all: (matches|DIFFERS)/);
  });

  test('the replay command printed for a file re-runs it to the same failure', async () => {
    const file = join(out, 'resend-all.at-most-once.FETCH_ADD.yaml');
    const replayed = await cli(['replay', file]);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toMatch(
      /^still fails: at-most-once violated by resend-all, trace identical \(\d+ events\)/,
    );
  });

  test('--format json is machine-readable', async () => {
    const json = await cli([
      'audit',
      'pass-through',
      '--opcodes',
      'READ',
      '--properties',
      'at-most-once',
      '--runs',
      '10',
      '--format',
      'json',
    ]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({
      layer: 'pass-through',
      ok: true,
      results: [{ property: 'at-most-once', opcode: 'READ', status: 'holds', runs: 10 }],
    });
  });

  test('--format json carries each counterexample across the worker with the generator it was found with', async () => {
    const json = await cli([
      'audit',
      'resend-all',
      '--opcodes',
      'FETCH_ADD',
      '--properties',
      'at-most-once',
      '--runs',
      '30',
      '--format',
      'json',
    ]);
    expect(json.code).toBe(1);
    const cx = JSON.parse(json.stdout).results[0].counterexample;
    // The default NIC profile is not recorded: a generator without `nic` is an 'ibta' one; nor is
    // locality while off. Swarm, on by default, is recorded (absent means off), and so is the
    // generator's version.
    const {
      numRuns: _n,
      seed: _s,
      timeLimitMs: _t,
      shrinkTimeLimitMs: _st,
      nic: _nic,
      swarm: _sw,
      locality: _lo,
      badAddresses: _ba,
      ...limits
    } = CHECK_DEFAULTS;
    expect(cx.generator).toEqual({ version: GENERATOR_VERSION, opcodes: ['FETCH_ADD'], ...limits, swarm: true });
    expect(cx.path).toMatch(/^\d+(:\d+)*$/);
  });

  test('--nic rxe generates every scenario under the rxe profile, and the counterexample records it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rdmacheck-audit-rxe-'));
    const argv = ['audit', 'resend-all', '--opcodes', 'FETCH_ADD', '--properties', 'at-most-once', '--runs', '30'];
    const text = await cli([...argv, '--nic', 'rxe', '--out', out]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^rdmacheck audit: layer resend-all on sim \(nic rxe\), seed 1/);
    expect(text.stdout).toContain('the documented audits are for nic ibta; this one ran under nic rxe: not compared');
    const file = readdirSync(out).find((f) => f.endsWith('.yaml'))!;
    const cx = loadTrace(join(out, file));
    expect(cx.generator?.nic).toBe('rxe');
    expect(cx.scenario.config?.nic).toBe('rxe');
    expect(cx.config?.nic).toBe('rxe');
  });

  test.each([
    [['--liveness', '50ms'], '--liveness'],
    [['--config', 'timeout=14'], '--config'],
    [['--liveness', '50ms', '--config', 'timeout=14'], '--liveness and --config'],
  ])('%j draws other scenarios from the seed: not compared with the documented audit', async (extra, named) => {
    const argv = [
      'audit',
      'resend-all',
      '--opcodes',
      'FETCH_ADD',
      '--no-mixed',
      '--properties',
      'at-most-once',
      '--runs',
      '5',
    ];
    const text = await cli([...argv, ...extra]);
    expect(text.stdout).toContain(
      `(the documented audits run at the layer's own settings and the default liveness; this one ran with ${named}: not compared)`,
    );
    expect(text.stdout).not.toMatch(/documented audit of resend-all/);
  });

  test('--fault-kinds and --no-bad-addresses narrow the draw, are recorded, regenerate, and are not compared with the documented audit', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rdmacheck-audit-kinds-'));
    // no-queue-sliding holds for FETCH_ADD (no message consumes a RECV): its pass states what was drawn.
    const argv = ['audit', 'resend-all', '--opcodes', 'FETCH_ADD', '--properties', 'at-most-once,no-queue-sliding'];
    const text = await cli([
      ...argv,
      '--runs',
      '30',
      '--fault-kinds',
      'link-down,drop-response',
      '--no-bad-addresses',
      '--out',
      out,
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      '(the documented audits draw every fault kind and out-of-range addresses; this one drew only drop-response, link-down and no out-of-range address: not compared)',
    );
    expect(text.stdout).toMatch(/up to 3 faults\s+\(drop-response, link-down\)/);
    const file = join(out, 'resend-all.at-most-once.FETCH_ADD.yaml');
    const cx = loadTrace(file);
    expect(cx.generator).toMatchObject({ faultKinds: ['drop-response', 'link-down'], badAddresses: false });
    expect(cx.scenario.faults.every((f) => f.kind === 'drop-response' || f.kind === 'link-down')).toBe(true);
    const replayed = await cli(['replay', file, '--regenerate']);
    expect(replayed.stdout).toMatch(/^scenario regenerated from seed 1, path "[\d:]+": identical to the stored one\n/);
  });

  test('--fault-kinds none draws no faults; an unknown kind is one line naming the kinds (exit 2)', async () => {
    const argv = ['audit', 'resend-all', '--opcodes', 'FETCH_ADD', '--properties', 'at-most-once', '--runs', '30'];
    const calm = await cli([...argv, '--fault-kinds', 'none', '--no-bad-addresses']);
    expect(calm.code).toBe(0);
    expect(calm.stdout).toContain('this one drew no faults and no out-of-range address: not compared');
    expect(calm.stdout).toMatch(/of that op class,\s+no\s+faults\s+and\s+up\s+to\s+2\s+paths/);
    const typo = await cli([...argv, '--fault-kinds', 'drop-request,drop-reponse']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      'rdmacheck audit: --fault-kinds: "drop-reponse" is not a fault kind; drawn kinds: drop-request, drop-response, delay, link-down, nic-death, qp-error, corrupt-wqe, control-loss, pause\n',
    );
  });

  test('--format junit is JUnit XML with a failure per violated cell', async () => {
    const junit = await cli([
      'audit',
      'resend-all',
      '--opcodes',
      'FETCH_ADD',
      '--properties',
      'at-most-once',
      '--runs',
      '30',
      '--format',
      'junit',
    ]);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(junit.stdout).toContain('<testcase classname="rdmacheck.resend-all" name="at-most-once [FETCH_ADD]">');
    expect(junit.stdout).toMatch(/<failure message="[^"]+" type="at-most-once">/);
  });

  test('a TTY gets a progress bar redrawn in place', async () => {
    const tty = await cli(
      ['audit', 'pass-through', '--opcodes', 'READ', '--properties', 'at-most-once', '--runs', '10'],
      { tty: true },
    );
    // Each redraw is carriage return + ESC[2K (erase the line), then the bar.
    const ERASE_LINE = '\r\u001b[2K';
    expect(tty.stderr).toContain(ERASE_LINE);
    expect(tty.stderr.split(ERASE_LINE).slice(1).join('\n')).toMatch(/^\[#+-*\] \d+\/10 runs, 0 failing/m);
  });

  test('a layer module in TypeScript (default export) or plain JavaScript can be audited', async () => {
    const ts = await cli([
      'audit',
      join(fixtures, 'ts-layer.ts'),
      '--opcodes',
      'WRITE',
      '--properties',
      'at-most-once',
      '--runs',
      '5',
      '--format',
      'json',
    ]);
    expect(ts.stderr).not.toMatch(/error/i);
    expect(JSON.parse(ts.stdout)).toMatchObject({ layer: 'ts-pass-through', ok: true });
    const js = await cli([
      'audit',
      join(fixtures, 'plain-js-layer.js'),
      '--opcodes',
      'WRITE',
      '--properties',
      'at-most-once',
      '--runs',
      '5',
      '--format',
      'json',
    ]);
    expect(JSON.parse(js.stdout)).toMatchObject({ layer: 'plain-js-pass-through', ok: true });
  });

  test('the out folder is only created when something is written', () => {
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });
});

describe('rdmacheck audit of a layer module', () => {
  test('prints and writes replay commands that name the module with --layer', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rdmacheck-audit-module-'));
    const layerArg = join(fixtures, 'ts-layer.ts');
    const run = await cli([
      'audit',
      layerArg,
      '--opcodes',
      'WRITE',
      '--properties',
      'failure-masking',
      '--runs',
      '30',
      '--out',
      out,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(` --layer ${layerArg}`);
    const yaml = readFileSync(join(out, 'ts-pass-through.failure-masking.WRITE.yaml'), 'utf8');
    expect(yaml).toMatch(
      new RegExp(
        `^# replay: npx rdmacheck replay \\S+ --layer ${layerArg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`,
        'm',
      ),
    );
    const replayed = await cli([
      'replay',
      join(out, 'ts-pass-through.failure-masking.WRITE.yaml'),
      '--layer',
      layerArg,
    ]);
    expect(replayed.stdout).toMatch(/^still fails: failure-masking violated by ts-pass-through/);
  });
});
