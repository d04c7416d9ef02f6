/**
 * The import-direction checker behind imports.test.ts: finds every module reference in a source
 * tree (parsed with the TypeScript compiler, so comments and strings that merely look like imports
 * are not counted), resolves it to a part of the table in table.ts, and lists each reference the
 * table does not allow.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import * as ts from 'typescript';
import { IMPORT_TABLE, PACKAGE_ENTRY_POINTS, SOURCE_ROOTS } from './table';
import type { ImportRule } from './table';

/** How a file refers to another module. */
export type ImportForm =
  | 'import'
  | 'import type'
  | 'export from'
  | 'import = require'
  | 'require'
  | 'require.resolve'
  | 'dynamic import'
  | 'inline type import';

/** Every form the checker recognises (the fixture must exercise each). */
export const IMPORT_FORMS: readonly ImportForm[] = [
  'import',
  'import type',
  'export from',
  'import = require',
  'require',
  'require.resolve',
  'dynamic import',
  'inline type import',
];

/** One module reference: its literal specifier, the 1-based line it is on, and its form. */
export interface ModuleReference {
  readonly specifier: string;
  readonly line: number;
  readonly form: ImportForm;
}

/** One reference the table does not allow. */
export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly form: ImportForm;
  readonly specifier: string;
  readonly from: string;
  readonly to: string;
  /** file:line, the two parts and the rule, on one line. */
  readonly message: string;
}

/** What a scan of one tree found. */
export interface ImportScan {
  /** Source files read, relative to the tree's root, '/'-separated. */
  readonly files: readonly string[];
  /** Files that belong to no row of the table. */
  readonly unclassified: readonly string[];
  /** References into the sources that were checked against the table (package imports are not). */
  readonly checked: number;
  /** How many source files each part of the table holds. */
  readonly filesPerPart: Readonly<Record<string, number>>;
  readonly violations: readonly Violation[];
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];
/** Build output and installed packages are not sources. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build']);

/** The module references in one file's text, in source order. */
export function findModuleReferences(fileName: string, text: string): ModuleReference[] {
  const kind = /\.[mc]?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const found: ModuleReference[] = [];
  const add = (node: ts.Node | undefined, form: ImportForm): void => {
    if (node === undefined || !ts.isStringLiteralLike(node)) return; // computed specifiers cannot be checked
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ specifier: node.text, line, form });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ? 'import type' : 'import');
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, 'export from');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, 'import = require');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, 'inline type import');
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], 'dynamic import');
      else if (ts.isIdentifier(callee) && callee.text === 'require') add(node.arguments[0], 'require');
      else if (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'require' &&
        callee.name.text === 'resolve'
      )
        add(node.arguments[0], 'require.resolve');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The source files under the table's roots, relative to `root`, sorted. */
export function listSourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(child);
      } else if (SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) out.push(child);
    }
  };
  for (const top of SOURCE_ROOTS) if (existsSync(join(root, top))) walk(top);
  return out.sort();
}

/** The row of the table a path (relative, '/'-separated, with or without extension) belongs to. */
export function ruleFor(path: string): ImportRule | undefined {
  return IMPORT_TABLE.find((r) =>
    r.kind === 'file'
      ? path === r.part || path === r.part.replace(/\.ts$/, '')
      : path === r.part || path.startsWith(`${r.part}/`),
  );
}

/**
 * The tree-relative path a specifier written in `from` points to, or undefined for a package
 * (other than rdmacheck itself) or a Node built-in: those are not part of the table.
 */
export function resolveSpecifier(root: string, from: string, specifier: string): string | undefined {
  if (specifier in PACKAGE_ENTRY_POINTS) return PACKAGE_ENTRY_POINTS[specifier];
  if (specifier.startsWith('rdmacheck/')) return specifier.slice('rdmacheck/'.length); // a deep path into the package
  if (!(specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')))
    return undefined;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  // The file the module system would load, when it exists; the bare path otherwise (still classifiable).
  const candidates = [
    target,
    ...SOURCE_EXTENSIONS.map((e) => target + e),
    `${target}.d.ts`,
    ...SOURCE_EXTENSIONS.map((e) => `${target}/index${e}`),
  ];
  return (
    candidates.find((c) => !c.startsWith('../') && existsSync(join(root, c)) && statSync(join(root, c)).isFile()) ??
    target
  );
}

/** The rule's allowance in words, for violation messages. */
function allowance(rule: ImportRule): string {
  return rule.mayImport.length === 0
    ? `${rule.part} imports nothing outside itself`
    : `${rule.part} may import only itself, ${rule.mayImport.join(', ')}`;
}

/** Reads every source file under `root` and checks each reference into the sources against the table. */
export function scanImports(root: string): ImportScan {
  const files = listSourceFiles(root);
  const unclassified: string[] = [];
  const violations: Violation[] = [];
  const filesPerPart: Record<string, number> = Object.fromEntries(IMPORT_TABLE.map((r) => [r.part, 0]));
  let checked = 0;
  for (const file of files) {
    const rule = ruleFor(file);
    if (rule === undefined) {
      unclassified.push(file);
      continue;
    }
    filesPerPart[rule.part] += 1;
    for (const ref of findModuleReferences(file, readFileSync(join(root, file), 'utf8'))) {
      const target = resolveSpecifier(root, file, ref.specifier);
      if (target === undefined) continue;
      checked += 1;
      const to = ruleFor(target)?.part;
      if (to === rule.part || (to !== undefined && rule.mayImport.includes(to))) continue;
      const toName = to ?? `${target} (outside the table)`;
      violations.push({
        file,
        line: ref.line,
        form: ref.form,
        specifier: ref.specifier,
        from: rule.part,
        to: toName,
        message: `${file}:${ref.line}: ${rule.part} -> ${toName} (${ref.form} '${ref.specifier}'): ${allowance(rule)}`,
      });
    }
  }
  return { files, unclassified, checked, filesPerPart, violations };
}
