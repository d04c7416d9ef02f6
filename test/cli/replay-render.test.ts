import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counterexampleToYAML } from '../../src/report/codec';
import { loadTrace } from '../../src/report/load';
import { cli } from './io';

const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-rr-'));
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

  test('against a layer that does not retry, it now passes (exit 0)', async () => {
    const run = await cli(['replay', file, '--layer', 'pass-through']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^now passes: at-most-once holds for pass-through on this scenario \(the run diverged at event \d+\)/,
    );
  });

  test('an edited trace diverges at the edited event, and both events are shown', async () => {
    const cx = loadTrace(file);
    const k = cx.trace.findIndex((e) => e.kind === 'Send');
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
