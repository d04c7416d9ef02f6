/**
 * The folder-to-folder import table: which part of rdmacheck may import which. It is data, so
 * that test/architecture/imports.test.ts enforces it and README.md / docs/architecture.md quote
 * it (a test checks they quote this exact text). Direction, as DESIGN.md states it:
 * cli, jest -> check, report -> adapters, properties, layers -> core.
 */

/** One row of the table: a part of the sources and the other parts its files may import. */
export interface ImportRule {
  /** The part's name: a folder (every file under it) or one file (an entry point). */
  readonly part: string;
  /** Folder parts match every file under the folder; file parts match that file only. */
  readonly kind: 'folder' | 'file';
  /** The parts this part may import besides itself (a part may always import within itself). */
  readonly mayImport: readonly string[];
  /** Why the row is what it is, in a few words (quoted in the docs). */
  readonly why: string;
}

const CORE = 'src/core';
const SIM = 'adapters/sim';
const NATIVE = 'adapters/native';
const FABRIC = 'adapters/fabric';
const CLAYER = 'adapters/clayer';
const PROPERTIES = 'properties';
const LAYERS = 'src/layers';
const REPORT = 'src/report';
const CHECK = 'src/check';
const CLI = 'src/cli';
const JEST = 'src/jest';

/** What the top (cli, jest, the barrels) stands on: everything but each other. */
const BELOW_THE_TOP = [CORE, CHECK, REPORT, SIM, NATIVE, CLAYER, FABRIC, PROPERTIES, LAYERS];

/**
 * The table. A file belongs to the first row that matches it (file rows come before the folder
 * that holds them). Files outside every row are reported: a new folder needs a row first.
 */
export const IMPORT_TABLE: readonly ImportRule[] = [
  {
    part: 'src/index.ts',
    kind: 'file',
    mayImport: BELOW_THE_TOP,
    why: 'the public barrel re-exports what lies below it',
  },
  { part: 'src/jest/index.ts', kind: 'file', mayImport: [JEST, ...BELOW_THE_TOP], why: 'the rdmacheck/jest barrel' },
  { part: CORE, kind: 'folder', mayImport: [], why: 'the vocabulary and contracts: stands on nothing' },
  { part: SIM, kind: 'folder', mayImport: [CORE], why: 'an adapter implements the core contracts' },
  {
    part: NATIVE,
    kind: 'folder',
    mayImport: [CORE],
    why: 'an adapter implements the core contracts (not the simulator)',
  },
  {
    part: CLAYER,
    kind: 'folder',
    mayImport: [CORE],
    why: 'C-ABI layers become FailoverLayers on the core contract',
  },
  {
    part: FABRIC,
    kind: 'folder',
    mayImport: [CORE, SIM],
    why: 'a bridge: real programs driven through the simulator RC transport',
  },
  { part: PROPERTIES, kind: 'folder', mayImport: [CORE], why: 'a property is a pure function of an Execution' },
  { part: LAYERS, kind: 'folder', mayImport: [CORE], why: 'a reference layer sees only the LayerEnv contract' },
  { part: REPORT, kind: 'folder', mayImport: [CORE], why: 'reports are data and renderers over core results' },
  {
    part: CHECK,
    kind: 'folder',
    mayImport: [CORE, SIM, NATIVE, PROPERTIES, LAYERS, REPORT],
    why: 'the checker drives adapters and properties',
  },
  { part: CLI, kind: 'folder', mayImport: BELOW_THE_TOP, why: 'the command sits on top (not on jest)' },
  { part: JEST, kind: 'folder', mayImport: BELOW_THE_TOP, why: 'the jest integration sits on top (not on the CLI)' },
];

/** Package names that resolve into the sources (a self-import through the package's exports). */
export const PACKAGE_ENTRY_POINTS: Readonly<Record<string, string>> = {
  rdmacheck: 'src/index.ts',
  'rdmacheck/jest': 'src/jest/index.ts',
};

/** The folders whose .ts and .js files the import test reads (test/, bench/, examples/ are outside the table). */
export const SOURCE_ROOTS: readonly string[] = ['src', 'adapters', 'properties'];

/** The table as a Markdown table, exactly as README.md and docs/architecture.md quote it. */
export function importTableMarkdown(): string {
  const rows = IMPORT_TABLE.map(
    (r) =>
      `| \`${r.part}\` | ${r.mayImport.length === 0 ? 'nothing' : r.mayImport.map((p) => `\`${p}\``).join(', ')} | ${r.why} |`,
  );
  return ['| part | may import (besides itself) | why |', '| --- | --- | --- |', ...rows].join('\n');
}
