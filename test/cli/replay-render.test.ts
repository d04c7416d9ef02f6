import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counterexampleToYAML } from '../../src/report/codec';
import { loadTrace } from '../../src/report/load';
import { cli } from './io';

const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-rr-'));
const fixtures = join(__dirname, '..', 'fixtures');
let file: string;

beforeAll(async () => {
  const run = await cli([
    'audit',
    'resend-all',
    '--opcodes',
    'FETCH_ADD',
    '--properties',
    'at-most-once',
    '--runs',
    '30',
    '--out',
    dir,
  ]);
  expect(run.code).toBe(1);
  file = join(dir, 'resend-all.at-most-once.FETCH_ADD.yaml');
});

describe('rdmacheck replay', () => {
  test('a saved counterexample still fails, with an identical trace', async () => {
    const run = await cli(['replay', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^still fails: /);
  });

  test('--regenerate redraws the case from the seed and path the file records (same generator version)', async () => {
    const run = await cli(['replay', file, '--regenerate']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^scenario regenerated from seed 1, path "[\d:]+": identical to the stored one\nstill fails: /,
    );
  });

  test('--regenerate of a file from another generator version refuses in one line (exit 2)', async () => {
    // A file written before versions were recorded, like the fixtures: version 1.
    const old = join(fixtures, 'resend-all.at-most-once.FETCH_ADD.yaml');
    expect(readFileSync(old, 'utf8')).not.toMatch(/version:/);
    const run = await cli(['replay', old, '--regenerate']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^rdmacheck replay: the counterexample was found by generator version 1, and this rdmacheck draws version \d+: its seed and path name another case here; replay the scenario it stores instead \(without --regenerate\)$/,
      ),
    ]);
  });

  test('against a layer that does not retry, it now passes (exit 0)', async () => {
    const run = await cli(['replay', file, '--layer', 'pass-through']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^now passes: at-most-once holds for pass-through on this scenario \(the run diverged at event \d+\)/,
    );
  });

  test('an edited trace diverges at the edited event, and both events are shown', async () => {
    const cx = loadTrace(file);
    // A Send whose next event is later: one nanosecond more keeps the trace in time order.
    const k = cx.trace.findIndex((e, i) => e.kind === 'Send' && (cx.trace[i + 1]?.t ?? Infinity) > e.t + 1);
    expect(k).toBeGreaterThanOrEqual(0);
    const edited = { ...cx, trace: cx.trace.map((e) => (e.i === k ? { ...e, t: e.t + 1 } : e)) };
    const editedFile = join(dir, 'edited.yaml');
    writeFileSync(editedFile, counterexampleToYAML(edited));
    const run = await cli(['replay', editedFile]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^diverged at event ${k}: at-most-once still violated`));
    const sent = cx.trace[k];
    expect(run.stdout).toContain(`\n  recorded: { i: ${k}, t: ${sent.t + 1}, kind: Send, `);
    expect(run.stdout).toContain(`\n  replayed: { i: ${k}, t: ${sent.t}, kind: Send, `);
  });
});

describe('rdmacheck render', () => {
  test('text (the default) draws the lanes', async () => {
    const run = await cli(['render', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('app A   layer A');
    expect(run.stdout).toContain(`replay: npx rdmacheck replay ${file}`);
  });

  test('mermaid is a sequenceDiagram', async () => {
    const run = await cli(['render', file, '--format', 'mermaid']);
    expect(run.stdout.startsWith('sequenceDiagram\n')).toBe(true);
  });

  test('html --out writes the page', async () => {
    const page = join(dir, 'page.html');
    const run = await cli(['render', file, '--format', 'html', '--out', page]);
    expect(run.code).toBe(0);
    expect(readFileSync(page, 'utf8')).toMatch(/<svg class="chart"/);
  });
});
