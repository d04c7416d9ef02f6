/**
 * The README and docs/ are executable: every ```ts snippet type-checks against the package
 * (strict), the hand-written scenario runs, every `npx rdmacheck` command of the walk-throughs runs
 * (in order, in one folder, against stand-in layer modules where the reader would use their own),
 * every audit output and lane chart shown is a fresh run's, and every relative link resolves.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';
import { cli } from '../cli/io';
import type { CliRun } from '../cli/io';
import { fencedBlocks, rdmacheckCommands, ROOT } from './markdown';
import type { FencedBlock } from './markdown';

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md'));
/** The walk-throughs whose commands run, in this order (docs/ci.md's command has its own test). */
const WALK_THROUGHS = ['README.md', 'docs/getting-started.md'];
/** Commands that are not run, and why. Everything else in a walk-through's ```sh blocks runs. */
const NOT_RUN: Record<string, string> = {
  'npx rdmacheck fabric --wait-port 18515 --scenario examples/fabric/drop-client-responses.yaml --trace pingpong.yaml -- ibv_rc_pingpong -g 0 -n 1000 ::: ibv_rc_pingpong -g 0 -n 1000 localhost':
    'needs the fabric library and ibverbs-utils programs built on this machine (test/fabric runs pingpong)',
  'npx rdmacheck render pingpong.yaml': 'renders the trace of the fabric run above, which is not run here',
};

/** A stand-in for the reader's own layer module: a typed pass-through (it masks nothing). */
function standInLayer(name: string, exportName: string): string {
  return [
    `import type { FailoverLayer } from ${JSON.stringify(join(ROOT, 'src', 'core', 'layer'))};`,
    `export const ${exportName}: FailoverLayer = {`,
    `  name: '${name}',`,
    '  create: (env) => ({',
    '    postSend: (wr) => void env.post(0, wr),',
    '    postRecv: (wr) => void env.postRecv(0, wr),',
    '    onCompletion: (_path, wc) => env.deliver(wc),',
    '  }),',
    '};',
    `export default ${exportName};`,
    '',
  ].join('\n');
}

/** The reader's project as the snippets assume it: src/myLayer.ts, src/myFixedLayer.ts, ./myFix.ts. */
function readerProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-docs-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'test'));
  writeFileSync(join(dir, 'src', 'myLayer.ts'), standInLayer('my-layer', 'myLayer'));
  writeFileSync(join(dir, 'src', 'myFixedLayer.ts'), standInLayer('my-fixed-layer', 'myFixedLayer'));
  writeFileSync(join(dir, 'myFix.ts'), standInLayer('my-fix', 'myFix'));
  // The walk-throughs are read in the clone: their example files are where the clone has them.
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  return dir;
}

// A ```ts fragment (an excerpt of a larger module, e.g. one method) is shown, not compiled.
const snippets: FencedBlock[] = DOCS.flatMap((f) => fencedBlocks(f)).filter(
  (b) => b.lang === 'ts' && b.info !== 'fragment',
);

describe('README and docs: TypeScript snippets', () => {
  test('there are snippets to check (the README has its jest suite and its hand-written scenario)', () => {
    expect(snippets.filter((b) => b.file === 'README.md').length).toBeGreaterThanOrEqual(2);
  });

  test('every ```ts snippet type-checks, strict, against the package as a user imports it', () => {
    const dir = readerProject();
    const files = snippets.map((b, k) => {
      const file = join(dir, 'test', `snippet${k}.ts`);
      writeFileSync(file, `${b.body}\n`);
      return { file, block: b };
    });
    const program = ts.createProgram(
      files.map((f) => f.file),
      {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        // As an ES module: a snippet may use top-level await, as a reader's ESM script can.
        module: ts.ModuleKind.ES2022,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts'],
        types: ['node', 'jest'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        baseUrl: dir,
        paths: {
          rdmacheck: [join(ROOT, 'src', 'index.ts')],
          'rdmacheck/jest': [join(ROOT, 'src', 'jest', 'index.ts')],
        },
      },
    );
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map((d) => {
        const at = files.find((f) => resolve(f.file) === resolve(d.file?.fileName ?? ''));
        const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
        const where = at ? `${at.block.file}:${at.block.line + 1 + line}` : (d.file?.fileName ?? '?');
        return `${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    expect(errors).toEqual([]);
  }, 120_000);

  test("the README's hand-written scenario runs and prints the sender view", () => {
    const scenario = snippets.find((b) => b.file === 'README.md' && b.body.includes('runSync'));
    expect(scenario).toBeDefined();
    const js = ts.transpileModule(scenario?.body ?? '', {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const printed: unknown[] = [];
    const fakeRequire = (id: string): unknown => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the snippet's own require, answered with the package source
      if (id === 'rdmacheck') return require('../../src');
      throw new Error(`the README scenario imports ${id}`);
    };
    new Function('require', 'exports', 'console', js)(fakeRequire, {}, { log: (v: unknown) => printed.push(v) });
    expect(printed).toHaveLength(1);
    const view = printed[0] as { kind: string }[];
    expect(view.map((e) => e.kind)).toEqual(expect.arrayContaining(['AppPostSend', 'Completion']));
  });
});

describe('README and docs: the walk-throughs run as written', () => {
  const cwd = readerProject();
  const outputs = new Map<string, CliRun>();
  const commands = WALK_THROUGHS.flatMap((f) => rdmacheckCommands(f).map((c) => ({ ...c, file: f })));

  beforeAll(async () => {
    for (const c of commands) {
      if (outputs.has(c.text) || NOT_RUN[c.text] !== undefined) continue;
      outputs.set(c.text, await cli(c.argv, { cwd }));
    }
  }, 300_000);

  test('every command runs (exit 0, or 1 where it reports violations), without an error line', () => {
    const failures = commands
      .filter((c) => NOT_RUN[c.text] === undefined)
      .map((c) => ({ c, run: outputs.get(c.text) as CliRun }))
      .filter(({ run }) => run.code > 1 || /^rdmacheck [a-z]+: (?!.*: (holds|violated|unknown) \()/m.test(run.stderr))
      .map(({ c, run }) => `${c.file}:${c.line}: ${c.text} -> exit ${run.code}: ${run.stderr.trim()}`);
    expect(failures).toEqual([]);
    expect(commands.length).toBeGreaterThan(8);
  });

  /** The stdout of the command `text` (which must be one the walk-throughs run). */
  const stdoutOf = (text: string): string => {
    const run = outputs.get(text);
    if (run === undefined) throw new Error(`no walk-through runs "${text}"`);
    return run.stdout;
  };

  /** The lines of the first output block after `marker` in `file`, without "..." elisions. */
  const shownLines = (file: string, marker: string): string[] => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const at = text.indexOf(marker);
    expect(at).toBeGreaterThan(-1);
    // Output blocks carry no language tag (commands are ```sh): the first one after the marker.
    const block = fencedBlocks(file).find((b) => b.lang === '' && text.indexOf(b.body, at) !== -1);
    return (block?.body ?? '').split('\n').filter((l) => l.trim() !== '' && l.trim() !== '...');
  };

  /** Expects `shown` to be lines of `actual`, in order. */
  const expectInOrder = (shown: string[], actual: string) => {
    const lines = actual.split('\n').map((l) => l.trimEnd());
    let from = 0;
    for (const line of shown) {
      const k = lines.indexOf(line.trimEnd(), from);
      expect({ line, found: k !== -1 }).toEqual({ line, found: true });
      from = k + 1;
    }
  };

  test("README: the audit of shift shown is a fresh audit's output, line for line", () => {
    expectInOrder(
      shownLines('README.md', 'Here is `npx rdmacheck audit shift`'),
      stdoutOf('npx rdmacheck audit shift'),
    );
  });

  test("getting-started: the matrix of resend-all and the lane chart shown are a fresh run's", () => {
    expectInOrder(
      shownLines('docs/getting-started.md', 'The audit prints the matrix'),
      stdoutOf('npx rdmacheck audit resend-all --out out'),
    );
    expectInOrder(
      shownLines('docs/getting-started.md', 'per event, in virtual time.'),
      stdoutOf('npx rdmacheck render out/resend-all.linearizability.WRITE.yaml'),
    );
  });

  test('getting-started: the replay outcome shown is what replay prints', () => {
    const shown = /# (still fails: .*)/.exec(readFileSync(join(ROOT, 'docs', 'getting-started.md'), 'utf8'))?.[1];
    expect(stdoutOf('npx rdmacheck replay out/resend-all.linearizability.WRITE.yaml')).toContain(shown);
  });

  test('every file a walk-through renders or replays was written by a command before it', () => {
    for (const c of commands.filter(
      (x) => (x.argv[0] === 'render' || x.argv[0] === 'replay') && NOT_RUN[x.text] === undefined,
    ))
      expect(existsSync(join(cwd, c.argv[1]))).toBe(true);
  });
});

describe('README and docs: links', () => {
  test('every relative link points to a file in the repository', () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/.test(target)) continue;
        const path = resolve(dirname(join(ROOT, file)), target);
        if (!path.startsWith(ROOT) || !existsSync(path)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test("no doc points into the maintainers' reference folder outside the repository", () => {
    for (const file of DOCS)
      expect(readFileSync(join(ROOT, file), 'utf8')).not.toMatch(/shared\/reference|\.\.\/shared/);
  });
});
