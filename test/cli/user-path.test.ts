/**
 * A new user's path through the CLI, as issue 19 walked it: a .ts layer with a syntax error or a
 * type error, layers that break the LayerEnv contract (deliver(wc.wrId), a throw, path 5), what a
 * pass means, negative numbers, error prefixes, the width of `layers`, `theorems`, and --junit.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrace } from '../../src/report/load';
import { renderText } from '../../src/report/text';
import { renderHtml } from '../../src/report/html';
import { cli } from './io';
import { missingCompilerApi } from '../../src/cli/typecheck-layer';

const fixtures = join(__dirname, 'fixtures', 'user-path');
const layerType = join(__dirname, '..', '..', 'src', 'core', 'layer');
/** A cheap audit: one op class, the two properties a lost completion breaks. */
const cheap = ['--opcodes', 'WRITE', '--properties', 'failure-masking,completion-fidelity', '--runs', '20'];

/** A .ts layer module written for one test (a syntax or type error cannot sit in the tree: tsc and lint read it). */
function tsLayer(name: string, postSend: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-user-'));
  const file = join(dir, `${name}.ts`);
  writeFileSync(
    file,
    [
      `import type { FailoverLayer } from ${JSON.stringify(layerType)};`,
      'const layer: FailoverLayer = {',
      `  name: '${name}',`,
      '  create(env) {',
      '    return {',
      `      postSend: (wr) => ${postSend}`,
      '      postRecv: (wr) => void env.postRecv(0, wr),',
      '      onCompletion: (_path, wc) => env.deliver(wc),',
      '    };',
      '  },',
      '};',
      'export default layer;',
      '',
    ].join('\n'),
  );
  return file;
}

describe('item 1: a .ts layer that does not compile, or does not type-check', () => {
  test('a syntax error keeps its diagnostic: file, line, column and TS code, in one line', async () => {
    const file = tsLayer('syntax-error', 'void env.post(0, wr)'); // no comma after it: TS1005 on line 7
    const run = await cli(['audit', file, ...cheap]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^rdmacheck audit: loading .*syntax-error\.ts failed: .*syntax-error\.ts\(7,\d+\): error TS1005: ',' expected\./,
    );
  });

  test('a type error passes the transpile-only load, and the report says that it was not checked', async () => {
    const file = tsLayer('type-error', "void env.post('0', wr),");
    const run = await cli(['audit', file, ...cheap]);
    expect(run.stdout).toContain('was loaded transpile-only: its type errors are not reported; add --typecheck');
  });

  test('--typecheck lists the type errors with file:line:col and the TS code, and audits nothing', async () => {
    const file = tsLayer('type-error', "void env.post('0', wr),");
    const run = await cli(['audit', file, '--typecheck', ...cheap]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^rdmacheck audit: --typecheck: .*type-error\.ts has 1 type error; fix it, or audit without --typecheck:\n {2}.*type-error\.ts:6:\d+: TS2345: Argument of type 'string' is not assignable to parameter of type 'number'\./,
    );
  });

  test('--typecheck on a layer that type-checks audits it as usual', async () => {
    const file = tsLayer('well-typed', 'void env.post(0, wr),');
    const run = await cli(['audit', file, '--typecheck', ...cheap]);
    expect(run.code).toBe(1); // pass-through masks nothing
    expect(run.stdout).not.toContain('transpile-only');
  });
});

describe('items 2 and 3: contract mistakes and layer faults are findings, in every rendering', () => {
  const out = mkdtempSync(join(tmpdir(), 'rdmacheck-faults-'));
  const runs: Record<string, { code: number; stdout: string; stderr: string }> = {};
  beforeAll(async () => {
    for (const f of ['deliver-wr-id.js', 'throws.js', 'path-five.js'])
      runs[f] = await cli(['audit', join(fixtures, f), ...cheap, '--out', join(out, f)]);
  }, 120_000);

  test('env.deliver(wc.wrId) is a LayerFault naming the call and saying what to pass; the explanation leads with it', () => {
    const { stdout } = runs['deliver-wr-id.js'];
    expect(stdout.replace(/\n/g, ' ')).toMatch(
      /violated: LAYER FAULT: layer A broke the LayerEnv contract at event \d+: during deliver, a completion must be an object with wrId, status and opcode \(got number 1\); pass the completion itself, e.g. env.deliver\(wc\), not its wrId/,
    );
    expect(stdout).not.toContain('undefined');
  });

  test('every counterexample file written loads back, names the fault as a witness, and renders', () => {
    for (const f of ['deliver-wr-id.js', 'throws.js', 'path-five.js']) {
      const files = readdirSync(join(out, f)).filter((n) => n.endsWith('.yaml'));
      expect(files.length).toBeGreaterThan(0);
      for (const name of files) {
        const cx = loadTrace(join(out, f, name));
        const faults = cx.trace.filter((e) => e.kind === 'LayerFault').map((e) => e.i);
        expect(faults.length).toBeGreaterThan(0);
        expect(cx.events).toEqual(expect.arrayContaining(faults));
        expect(cx.explanation).toMatch(/^LAYER FAULT: /);
        const text = renderText(cx);
        for (const i of faults)
          expect(text).toMatch(new RegExp(`^>>\\s+${i}\\s.*LAYER FAULT during .*<== witness$`, 'm'));
      }
    }
  });

  test('a throwing layer: the explanation, not only the chart, says it threw; the summary counts the faults', () => {
    const { stdout } = runs['throws.js'];
    expect(stdout.replace(/\n/g, ' ')).toMatch(
      /LAYER FAULT: layer A broke the LayerEnv contract at event \d+: during onCompletion, threw Error: boom/,
    );
    expect(stdout.replace(/\n/g, ' ')).toMatch(
      /violated cells?; the layer faulted \(broke the LayerEnv contract\) in \d+ counterexamples?: .*; fix the layer faults first/,
    );
  });

  test('posting on path 5: the explanation names it, and the chart draws no lane for paths that do not exist', () => {
    const { stdout } = runs['path-five.js'];
    expect(stdout.replace(/\n/g, ' ')).toMatch(/during post, path 5 does not exist \(paths are 0\.\.1\)/);
    const dir = join(out, 'path-five.js');
    const cx = loadTrace(join(dir, readdirSync(dir).find((n) => n.endsWith('.yaml')) as string));
    const header = renderText(cx)
      .split('\n')
      .find((l) => l.includes('app A')) as string;
    expect(header).toMatch(/path 0\s+path 1\s+wire/);
    expect(header).not.toMatch(/path [2-5]/);
    expect(renderText(cx)).toMatch(/!! post wr\d+ .* on path 5 refused: path 5 does not exist/);
  });

  test('in HTML a long row wraps instead of running off the right edge', () => {
    const dir = join(out, 'deliver-wr-id.js');
    const cx = loadTrace(join(dir, readdirSync(dir).find((n) => n.endsWith('.yaml')) as string));
    const html = renderHtml(cx);
    const fault = /<g class="event" data-i="\d+" data-kind="LayerFault">[\s\S]*?<\/g>/.exec(html)?.[0] ?? '';
    expect(fault.match(/<tspan /g)?.length ?? 0).toBeGreaterThan(1);
    for (const span of fault.match(/<tspan[^>]*>([^<]*)<\/tspan>/g) ?? [])
      expect(span.replace(/<[^>]+>/g, '').length).toBeLessThanOrEqual(80);
  });
});

describe('item 4: a pass says what it means and what to run next', () => {
  test('the audit explains "holds (N)": runs, seed, what the runs contain, a sample not a proof, the next commands', async () => {
    const run = await cli(['audit', 'completion-log', '--opcodes', 'READ', '--runs', '7', '--seed', '3']);
    expect(run.code).toBe(0);
    const text = run.stdout.replace(/\n/g, ' ');
    expect(text).toMatch(/What "holds \(7\)" means: no violation in 7 generated runs per op class \(seed 3\)/);
    expect(text).toContain('It is a sample, not a proof');
    expect(run.stdout).toContain('npx rdmacheck audit completion-log --runs 70\n');
    expect(run.stdout).toContain('npx rdmacheck audit completion-log --runs 70 --seed 4\n');
  });
});

describe('item 7: CLI details', () => {
  test('negative numbers are values, checked for range, not "ambiguous" options', async () => {
    const runs = await cli(['audit', 'shift', '--runs', '-5']);
    expect(runs.stderr).toBe('rdmacheck audit: --runs must be an integer >= 1, got "-5"\n');
    const seed = await cli([
      'audit',
      'pass-through',
      '--seed',
      '-1',
      '--runs',
      '2',
      '--opcodes',
      'READ',
      '--properties',
      'at-most-once',
    ]);
    expect(seed.code).toBe(0);
    expect(seed.stdout).toContain('seed -1');
  });

  test('every error line starts with "rdmacheck COMMAND:", whichever part raised it', async () => {
    expect((await cli(['replay', '/nonexistent.yaml'])).stderr).toBe(
      'rdmacheck replay: cannot read /nonexistent.yaml: no such file\n',
    );
    expect((await cli(['render', '/nonexistent.yaml'])).stderr).toBe(
      'rdmacheck render: cannot read /nonexistent.yaml: no such file\n',
    );
    expect((await cli(['audit', 'nope'])).stderr).toMatch(/^rdmacheck audit: unknown layer "nope"/);
  });

  test('`layers` prints short blocks (no line over 100 characters) and a closing summary', async () => {
    const run = await cli(['layers']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(lines.at(-1)).toMatch(/^\d+ reference layers; audit one with: npx rdmacheck audit NAME/);
    expect(run.stdout).toMatch(/^resend-all \(transparent\)\n {2}rule: /m);
  });

  test('`theorems` ends with a summary; without a file there is no placeholder replay command', async () => {
    const run = await cli(['theorems']);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^theorems: 6 of 6 witnesses shown; --out DIR writes each witness run as a replayable file$/,
    );
    expect(run.stdout).not.toContain('<counterexample>');
    expect(run.stdout).not.toContain('whole in the counterexample file');
    expect(run.stdout).not.toContain('seed 0');
  });

  test('`theorems --out DIR` writes each witness run; its replay command replays it: still fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-theorems-'));
    const run = await cli(['theorems', '--brief', '--out', dir]);
    expect(run.code).toBe(0);
    const files = readdirSync(dir).filter((n) => n.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    const replayed = await cli(['replay', join(dir, files[0])]);
    expect(replayed.stdout).toMatch(/^still fails: /);
  });
});

describe('item 8: JUnit for CI', () => {
  test('--junit FILE writes one testcase per property x op class, while the text report goes to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-junit-'));
    const file = join(dir, 'rdmacheck.xml');
    const run = await cli([
      'audit',
      'fail-stop',
      '--opcodes',
      'WRITE,READ',
      '--properties',
      'at-most-once,failure-masking',
      '--runs',
      '10',
      '--junit',
      file,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^property\s+WRITE\s+READ\s+mixed$/m);
    const xml = readFileSync(file, 'utf8');
    const names = [...xml.matchAll(/<testcase classname="[^"]+" name="([^"]+)"/g)].map((m) => m[1]);
    // Each property x op class, and x the mixed column (scenarios drawing from both op classes).
    expect(names.sort()).toEqual([
      'at-most-once [READ]',
      'at-most-once [WRITE]',
      'at-most-once [mixed]',
      'failure-masking [READ]',
      'failure-masking [WRITE]',
      'failure-masking [mixed]',
    ]);
    expect(xml).toMatch(/<failure message="[^"]+" type="failure-masking">/);
  });
});

describe('item 5: a typescript without the compiler API (typescript 7) is named, with what to install', () => {
  test('missingCompilerApi accepts the compiler this project uses and explains a native-only typescript', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiler module itself, as the CLI loads it
    expect(missingCompilerApi(require('typescript'), '/x/node_modules/typescript/lib/typescript.js')).toBeUndefined();
    expect(missingCompilerApi({ version: '7.0.2' }, '/x/node_modules/typescript/lib/main.js')).toBe(
      'needs the TypeScript compiler API, which the typescript 7.0.2 at /x/node_modules/typescript/lib does not have ' +
        '(typescript 7 is a native port without it); install typescript 5 (npm install -D typescript@5), or compile the layer and pass the .js',
    );
  });
});
