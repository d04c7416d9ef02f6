/** Fenced code blocks of a Markdown file, for the tests that compile and run the docs' snippets. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** One fenced block: its language tag, its text, the file and the line its fence opens on. */
export interface FencedBlock {
  lang: string;
  /** What follows the language on the fence line: `fragment` marks a ```ts excerpt that is not a whole module. */
  info: string;
  body: string;
  file: string;
  line: number;
}

/**
 * The fenced blocks (``` or ````) of `file` (relative to the root), in order. A block nested in a
 * longer fence (a ```mermaid example inside ````markdown) belongs to the outer block.
 */
export function fencedBlocks(file: string): FencedBlock[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: FencedBlock[] = [];
  for (let k = 0; k < lines.length; k++) {
    const open = /^(`{3,})(\S*)(?:\s+(\S.*?))?\s*$/.exec(lines[k]);
    if (open === null) continue;
    const fence = open[1];
    const body: string[] = [];
    let end = k + 1;
    while (end < lines.length && lines[end].trimEnd() !== fence) body.push(lines[end++]);
    blocks.push({ lang: open[2], info: open[3] ?? '', body: body.join('\n'), file, line: k + 1 });
    k = end;
  }
  return blocks;
}

/** Every `npx rdmacheck ...` command of the shell blocks of `file`, without comments, with its block's line. */
export function rdmacheckCommands(file: string): { argv: string[]; text: string; line: number }[] {
  return fencedBlocks(file)
    .filter((b) => b.lang === 'sh')
    .flatMap((b) =>
      b.body
        .replace(/\\\n\s*/g, ' ') // a command continued over lines with a trailing backslash is one command
        .split('\n')
        .map((l) => l.replace(/\s#.*$/, '').trim())
        .filter((l) => l.startsWith('npx rdmacheck '))
        .map((text) => ({ argv: text.split(/\s+/).slice(2), text, line: b.line })),
    );
}
