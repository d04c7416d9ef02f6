/**
 * Imports flow one way (cli, jest -> check, report -> adapters, properties, layers -> core), as the
 * table in table.ts states folder by folder. The sources obey it, and the same checker rejects a
 * committed fixture that breaks it once per import form, so a passing run means something.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMPORT_FORMS, scanImports } from './imports';
import { IMPORT_TABLE, importTableMarkdown } from './table';

const ROOT = join(__dirname, '..', '..');
const FIXTURE = join(__dirname, 'fixture-broken');

describe('the sources follow the import table', () => {
  const scan = scanImports(ROOT);

  test('no source file imports a part its row does not allow', () => {
    expect(scan.violations.map((v) => v.message)).toEqual([]);
  });

  test('every source file belongs to a row (a new folder needs a row first)', () => {
    expect(scan.unclassified).toEqual([]);
  });

  test('every row of the table holds source files, and references between them were checked', () => {
    const empty = IMPORT_TABLE.filter((r) => scan.filesPerPart[r.part] === 0).map((r) => r.part);
    expect(empty).toEqual([]);
    expect(scan.checked).toBeGreaterThan(scan.files.length);
  });
});

/** The fixture's expectations, read from its `// violates: <form>` markers: "file:line form". */
function markedViolations(): string[] {
  const out: string[] = [];
  for (const file of scanImports(FIXTURE).files) {
    readFileSync(join(FIXTURE, file), 'utf8')
      .split('\n')
      .forEach((text, k) => {
        const m = /\/\/ violates: (.+)$/.exec(text);
        if (m) out.push(`${file}:${k + 1} ${m[1].trim()}`);
      });
  }
  return out.sort();
}

/** The fixture files whose first line says they belong to no row. */
function markedUnclassified(): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(FIXTURE, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else if (readFileSync(join(FIXTURE, child), 'utf8').startsWith('// belongs to no row')) out.push(child);
    }
  };
  walk('');
  return out.sort();
}

describe('the checker rejects test/architecture/fixture-broken', () => {
  const scan = scanImports(FIXTURE);
  const expected = markedViolations();

  test('it reports exactly the marked references, and nothing written in comments or strings', () => {
    expect(expected.length).toBeGreaterThan(0);
    expect(scan.violations.map((v) => `${v.file}:${v.line} ${v.form}`).sort()).toEqual(expected);
  });

  test.each([...IMPORT_FORMS])('the form "%s" is detected', (form) => {
    expect(scan.violations.filter((v) => v.form === form).length).toBeGreaterThan(0);
  });

  test('each message names file:line, the two parts and the rule', () => {
    for (const v of scan.violations) {
      expect(v.message.startsWith(`${v.file}:${v.line}: ${v.from} -> ${v.to} `)).toBe(true);
      expect(v.message).toMatch(/: \S+ (imports nothing outside itself|may import only itself, .+)$/);
    }
    const coreToSim = scan.violations.find((v) => v.file === 'src/core/static-import.ts')!;
    expect(coreToSim.message).toBe(
      "src/core/static-import.ts:1: src/core -> adapters/sim (import '../../adapters/sim/y'): " +
        'src/core imports nothing outside itself',
    );
  });

  test('the sibling and top-level rules hold too: native not on sim, jest not on cli, core not on the barrel, no source on test/', () => {
    const pairs = scan.violations.map((v) => `${v.from} -> ${v.to}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        'adapters/native -> adapters/sim',
        'src/jest -> src/cli',
        'src/core -> src/index.ts',
        'src/report -> test/helpers (outside the table)',
      ]),
    );
  });

  test('a file outside every row is reported', () => {
    expect(markedUnclassified().length).toBeGreaterThan(0);
    expect(scan.unclassified).toEqual(markedUnclassified());
  });
});

describe('the docs quote the table as it is', () => {
  test.each(['README.md', 'docs/architecture.md'])('%s contains the table', (doc) => {
    const table = importTableMarkdown();
    if (!readFileSync(join(ROOT, doc), 'utf8').includes(table)) {
      throw new Error(`${doc} does not quote the import table of test/architecture/table.ts; paste this in:\n${table}`);
    }
  });
});
