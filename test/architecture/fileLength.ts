/**
 * The file-length rule behind file-length.test.ts: a source file is at most MAX_LINES long, unless
 * one of its first REASON_WINDOW lines is a comment that starts `Long file:` and says why.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The longest a source file may be without a stated reason. */
export const MAX_LINES = 400;
/** How many lines at the top of a file may hold the `Long file:` reason. */
export const REASON_WINDOW = 5;
/** The folders whose files the rule covers (test/ is not among them). */
export const LENGTH_ROOTS: readonly string[] = [
  'src',
  'adapters',
  'properties',
  'bench',
  'scripts',
  'include',
  'examples',
];
/** The source extensions the rule covers: TypeScript, JavaScript, C and C++. */
export const LENGTH_EXTENSIONS: readonly string[] = [
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.js',
  '.mjs',
  '.cjs',
  '.c',
  '.cc',
  '.cpp',
  '.h',
  '.hpp',
];
/**
 * Installed packages and generated output are not sources. (Not 'coverage': src/check/coverage
 * is source; jest's coverage output lives only at the repository root, outside LENGTH_ROOTS.)
 */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'out', 'target']);

/** One source file and its length in lines. */
export interface FileLength {
  readonly file: string;
  readonly lines: number;
  /** The `Long file:` reason from its first lines, if it states one. */
  readonly reason?: string;
}

/** Lines in a text, as `wc -l` counts them for a file ending in a newline (a last unterminated line counts too). */
export function countLines(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** The reason a file gives for its length: a comment starting `Long file:` in its first lines, with some words after it. */
export function longFileReason(text: string): string | undefined {
  for (const line of text.split('\n').slice(0, REASON_WINDOW)) {
    const m = /^\s*(?:\/\/+|\/\*+|\*)\s*Long file:\s*(.*?)\s*(?:\*\/)?\s*$/.exec(line);
    if (m && m[1].split(/\s+/).length >= 3) return m[1];
  }
  return undefined;
}

/** Every covered source file under `root`, with its length, sorted by path. */
export function sourceFileLengths(root: string): FileLength[] {
  const out: FileLength[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(child);
      } else if (LENGTH_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
        const text = readFileSync(join(root, child), 'utf8');
        const reason = longFileReason(text);
        out.push({ file: child, lines: countLines(text), ...(reason === undefined ? {} : { reason }) });
      }
    }
  };
  for (const top of LENGTH_ROOTS) if (existsSync(join(root, top))) walk(top);
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The median of a non-empty list of numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
