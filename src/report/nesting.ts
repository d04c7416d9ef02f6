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
