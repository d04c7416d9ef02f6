/**
 * A linear pre-scan for flow nesting ([ and {), so a file nested absurdly deep is refused at the
 * place it goes too deep, before the YAML parser (which recurses once per level) sees it.
 */

/** Flow nesting deeper than any trace file has (events nest three or four levels). */
export const MAX_FLOW_NESTING = 64;

/** The offset where flow nesting first exceeds `limit`, or undefined. Skips quoted text and comments. */
export function tooDeepAt(text: string, limit = MAX_FLOW_NESTING): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') k++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") {
      // A quote starts a quoted scalar only at a token boundary (it's an apostrophe inside a word).
      const before = k === 0 ? ' ' : text[k - 1];
      if (/[\s[{,:]/.test(before)) quote = c;
    } else if (c === '#' && (k === 0 || /\s/.test(text[k - 1]))) {
      const end = text.indexOf('\n', k);
      k = end === -1 ? text.length : end;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > limit) return k;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/** 1-based line and column of `offset` in `text` (before parsing, when no LineCounter is filled yet). */
export function linePosOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) line++;
  return { line, col: offset - text.lastIndexOf('\n', offset - 1) };
}

/**
 * The offset where block nesting (indentation, and compact "- - -" entries) first exceeds
 * `limit`, or undefined. Linear: one pass over the lines with a stack of indentations; the
 * content of block scalars (| and >) is skipped, since its indentation is text, not structure.
 */
export function blockTooDeepAt(text: string, limit = MAX_FLOW_NESTING): number | undefined {
  const indents: number[] = [];
  let scalarIndent: number | undefined;
  let offset = 0;
  for (const line of text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    const indent = /^ */.exec(line)![0].length;
    const body = line.slice(indent);
    if (body === '' || body.startsWith('#')) continue;
    if (scalarIndent !== undefined && indent > scalarIndent) continue;
    scalarIndent = undefined;
    while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
    indents.push(indent);
    const compact = /^(?:-[ \t]+)*/.exec(body)![0];
    const entries = (compact.match(/-/g) ?? []).length;
    // Where it goes too deep: the entry that crosses the limit (or the line itself).
    if (indents.length + entries > limit) return start + indent + 2 * Math.max(0, limit - indents.length);
    if (/[|>][0-9+-]*\s*(#.*)?$/.test(body) && /(^|[:\s-])[|>][0-9+-]*\s*(#.*)?$/.test(body)) scalarIndent = indent;
  }
  return undefined;
}
