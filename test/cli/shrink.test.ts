/**
 * `rdmacheck run` and `rdmacheck shrink` on scenario files: a hand-written failing scenario
 * shrinks to a minimal counterexample that `run` reproduces; bad input is one line, exit 2.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadTrace } from '../../src/report/load';
import { loadScenario, parseScenario } from '../../src/report/scenario-file';
import { cli } from './io';

const root = join(__dirname, '../..');
const twelveSteps = relative(root, join(root, 'test/fixtures/scenarios/twelve-steps.scenario.yaml'));
const incident = 'examples/bug-report/incident.scenario.yaml';
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('rdmacheck shrink', () => {
  const out = mkdtempSync(join(tmpdir(), 'rdmacheck-shrink-'));
  let run: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    run = await cli(['shrink', twelveSteps, '--layer', 'resend-all', '--out', out], { cwd: root });
  });

  test('exits 1 and prints the property, the sizes before and after, and that the result is 1-minimal', () => {
    expect(run.code).toBe(1);
    const [first, second] = run.stdout.split('\n');
    expect(first).toBe(
      'rdmacheck shrink: at-most-once violated by resend-all on sim: 12 steps + 3 faults -> 1 step + 1 fault',
    );
    expect(second).toMatch(/^ {2}1-minimal: none of the shrinker's single removals or simplifications still fails/);
  });

  test('writes the minimal counterexample as YAML and HTML, and prints its lane chart', () => {
    expect(readdirSync(out).sort()).toEqual(['twelve-steps.shrunk.html', 'twelve-steps.shrunk.yaml']);
    const cx = loadTrace(join(out, 'twelve-steps.shrunk.yaml'));
    expect(cx.property).toBe('at-most-once');
    expect(cx.scenario.workload.length + cx.scenario.faults.length).toBe(2);
    expect(run.stdout).toContain('rdmacheck: at-most-once violated by layer resend-all (adapter sim)');
    expect(run.stdout).toMatch(/<== witness/);
  });

  test('without a terminal there is no progress line; on a terminal it is redrawn in place and cleared', async () => {
    expect(run.stderr).toBe('');
    const tty = await cli(['shrink', twelveSteps, '--layer', 'resend-all', '--out', out], { cwd: root, tty: true });
    const clear = '\r\u001b[2K';
    expect(tty.stderr.startsWith(`${clear}shrinking: `)).toBe(true);
    expect(tty.stderr).toMatch(/shrinking: \d+ candidates tried, \d+ steps taken, size \d+/);
    expect(tty.stderr.endsWith(clear)).toBe(true);
  });

  test('`run` on the shrunk file reproduces the violation', async () => {
    const again = await cli(['run', join(out, 'twelve-steps.shrunk.yaml')], { cwd: root });
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^ {2}at-most-once +violated: WR \d+ \(FETCH_ADD/m);
  });

  test('a spent candidate budget is said plainly', async () => {
    const cut = await cli(['shrink', twelveSteps, '--layer', 'resend-all', '--out', out, '--max-candidates', '2'], {
      cwd: root,
    });
    expect(cut.code).toBe(1);
    expect(cut.stdout.split('\n')[1]).toMatch(/budget of 2 candidates: the result may not be minimal/);
  });
});

describe('rdmacheck run', () => {
  test('prints every verdict and the lane chart; --out writes one counterexample per violated property', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rdmacheck-run-'));
    const r = await cli(['run', incident, '--layer', 'resend-all', '--out', out], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}at-most-once +violated: /m);
    expect(r.stdout).toMatch(/^ {2}linearizability +violated: .*final read of B\[0\] = 5/m);
    expect(r.stdout).toMatch(/^ {2}failure-masking +holds$/m);
    expect(readdirSync(out).sort()).toEqual([
      'incident.at-most-once.html',
      'incident.at-most-once.yaml',
      'incident.linearizability.html',
      'incident.linearizability.yaml',
    ]);
  });

  test('a scenario no property faults: exit 0, the verdicts and the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-run-ok-'));
    writeFileSync(
      join(dir, 'calm.yaml'),
      'rdmacheck-scenario: 1\nscenario:\n  workload:\n    - { kind: post, wr: { id: 1, opcode: WRITE, addr: 0, value: 1 } }\n  faults: []\n',
    );
    const r = await cli(['run', 'calm.yaml', '--layer', 'fail-stop'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}at-most-once +holds$/m);
    expect(r.stdout).toContain('no property is violated; the run:');
  });
});

describe('the README walk-through: an incident in words, to a scenario file, to the minimal trace, to Mermaid', () => {
  test('shrink --property linearizability, then render --format mermaid', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rdmacheck-incident-'));
    const r = await cli(['shrink', incident, '--layer', 'resend-all', '--property', 'linearizability', '--out', out], {
      cwd: root,
    });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(
      'rdmacheck shrink: linearizability violated by resend-all on sim: 5 steps + 1 fault -> 1 step + 1 fault',
    );
    const m = await cli(['render', join(out, 'incident.shrunk.yaml'), '--format', 'mermaid'], { cwd: root });
    expect(m.code).toBe(0);
    expect(m.stdout).toMatch(/^sequenceDiagram/m);
    // The README shows this very block and this very scenario: they must not drift.
    const section = readme.slice(readme.indexOf('## Shrink your bug report'));
    expect(/```mermaid\n([\s\S]*?)```/.exec(section)?.[1].trimEnd()).toBe(m.stdout.trimEnd());
    const shown = parseScenario(/```yaml\n([\s\S]*?)```/.exec(section)![1]).scenario;
    expect(shown).toEqual(loadScenario(join(root, incident)).scenario);
  });
});

describe('bad input: one line, exit 2; nothing to shrink: exit 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-shrink-bad-'));
  writeFileSync(
    join(dir, 'bad.yaml'),
    'rdmacheck-scenario: 1\nscenario:\n  workload: []\n  faults:\n    - { kind: nic-death, host: B, path: 3, after: { on: start } }\n',
  );
  writeFileSync(
    join(dir, 'calm.yaml'),
    'rdmacheck-scenario: 1\nscenario:\n  workload:\n    - { kind: post, wr: { id: 1, opcode: WRITE, addr: 0, value: 1 } }\n  faults: []\n',
  );

  test.each([
    [
      ['shrink', 'bad.yaml', '--layer', 'resend-all'],
      /^loadScenario: .*bad\.yaml:5:41: scenario\.faults\[0\]\.path: path 3 does not exist/,
    ],
    [
      ['shrink', 'calm.yaml', '--layer', 'resend-everything'],
      /^rdmacheck: unknown layer "resend-everything"; reference layers: /,
    ],
    [['run', 'bad.yaml', '--layer', 'resend-all'], /^loadScenario: .*bad\.yaml:5:41: /],
    [['shrink', 'calm.yaml'], /^rdmacheck shrink: give the layer to run the scenario against: --layer NAME\|MODULE/],
    [
      ['shrink', 'calm.yaml', '--layer', 'resend-all', '--property', 'fast'],
      /^rdmacheck shrink: unknown property "fast"/,
    ],
    [
      ['shrink', 'calm.yaml', '--layer', 'resend-all', '--adapter', 'native'],
      /^rdmacheck shrink: --adapter native needs --agent HOST:PORT/,
    ],
  ])('%j', async (argv, message) => {
    const r = await cli(argv, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('a scenario that does not fail: exit 0, one line saying so, then the verdicts', async () => {
    const r = await cli(['shrink', 'calm.yaml', '--layer', 'resend-all'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('rdmacheck shrink: calm.yaml does not fail against resend-all on sim; nothing to shrink');
    expect(lines.slice(1)).toHaveLength(6);
    expect(lines.slice(1).every((l) => /^ {2}[a-z-]+ +holds$/.test(l))).toBe(true);
    expect(existsSync(join(dir, 'calm.shrunk.yaml'))).toBe(false);
  });
});
