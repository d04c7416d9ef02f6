/**
 * A small validator over the YAML syntax tree, so that every complaint about a trace file can
 * name its line and column. A Spec checks one node and throws TraceFileError at that node.
 */
import { isMap, isScalar, isSeq, LineCounter } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';

/** A malformed or unsupported trace file: the message names the file, line, column and what was expected. */
export class TraceFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
    this.name = 'TraceFileError';
  }
}

/** Where the validator is: the file, the line index, the field path. */
export interface SchemaContext {
  file: string;
  lines: LineCounter;
  /** The API name that starts each message ("loadTrace"). */
  api: string;
  /**
   * Refuse fields a record does not know (hand-written files: a misspelt optional field would
   * otherwise be silently ignored). Trace files are read leniently: newer minor versions add fields.
   */
  strict?: boolean;
}

/** Checks one node (undefined when the field is absent). */
export type Spec = (node: Node | null | undefined, field: string, ctx: SchemaContext, parent: Node | undefined) => void;

/** Throws a TraceFileError located at `node` (or at its parent when the node is missing). */
export function fail(
  ctx: SchemaContext,
  node: Node | null | undefined,
  parent: Node | undefined,
  field: string,
  expected: string,
): never {
  const at = node ?? parent;
  const offset = at?.range?.[0] ?? 0;
  const { line, col } = ctx.lines.linePos(offset);
  const got = node === undefined || node === null ? 'nothing (the field is missing)' : describeNode(node);
  throw new TraceFileError(
    `${ctx.api}: ${ctx.file}:${line}:${col}: ${field}: expected ${expected}, got ${got}`,
    ctx.file,
    line,
    col,
  );
}

function describeNode(node: Node): string {
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    const shown = JSON.stringify(v) ?? String(v);
    return `${typeof v} ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}`;
  }
  return 'an alias or unknown node';
}

/** A number (integer when `integer`), optionally at least `min`. */
export function num(options: { integer?: boolean; min?: number } = {}): Spec {
  const expected = `${options.integer ? 'an integer' : 'a number'}${options.min === undefined ? '' : ` >= ${options.min}`}`;
  return (node, field, ctx, parent) => {
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value))
      fail(ctx, node, parent, field, expected);
    const v = node.value as number;
    if (options.integer && !Number.isSafeInteger(v)) fail(ctx, node, parent, field, expected);
    if (options.min !== undefined && v < options.min) fail(ctx, node, parent, field, expected);
  };
}

/** An integer (any sign). */
export const int: Spec = num({ integer: true });

/** A string. */
export const str: Spec = (node, field, ctx, parent) => {
  if (!isScalar(node) || typeof node.value !== 'string') fail(ctx, node, parent, field, 'a string');
};

/** A string, or a number that is read as its decimal string (hand-edited `path: 0`). */
export const strOrNum: Spec = (node, field, ctx, parent) => {
  if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number'))
    fail(ctx, node, parent, field, 'a string');
};

/** true or false. */
export const bool: Spec = (node, field, ctx, parent) => {
  if (!isScalar(node) || typeof node.value !== 'boolean') fail(ctx, node, parent, field, 'true or false');
};

/** Anything at all (control messages are arbitrary JSON data). */
export const any: Spec = (node, field, ctx, parent) => {
  if (node === undefined) fail(ctx, node, parent, field, 'a value');
};

/** One of the given strings. */
export function oneOf(...values: readonly string[]): Spec {
  const expected = `one of ${values.join(', ')}`;
  return (node, field, ctx, parent) => {
    if (!isScalar(node) || typeof node.value !== 'string' || !values.includes(node.value))
      fail(ctx, node, parent, field, expected);
  };
}

/**
 * One of every member of the string union U, listed once in a record (called with U explicit), so
 * the compiler refuses a list that drifts from the type it checks.
 */
export function oneOfEvery<U extends string>(members: Record<U, true>): Spec {
  return oneOf(...Object.keys(members));
}

/** The first spec that accepts the node; the message lists `expected`. */
export function either(expected: string, ...specs: Spec[]): Spec {
  return (node, field, ctx, parent) => {
    for (const spec of specs) {
      try {
        spec(node, field, ctx, parent);
        return;
      } catch (e) {
        if (!(e instanceof TraceFileError)) throw e;
      }
    }
    fail(ctx, node, parent, field, expected);
  };
}

/** A list whose every item passes `item`. */
export function list(item: Spec): Spec {
  return (node, field, ctx, parent) => {
    if (!isSeq(node)) fail(ctx, node, parent, field, 'a list');
    node.items.forEach((child, k) => item(child as Node, `${field}[${k}]`, ctx, node));
  };
}

/** A field of a record: its spec and whether it may be absent. */
export interface FieldSpec {
  spec: Spec;
  optional?: boolean;
}

/** Shorthand for an optional field. */
export function opt(spec: Spec): FieldSpec {
  return { spec, optional: true };
}

/** A map with these fields (unknown extra fields are allowed, unless the context is strict). */
export function record(fields: Record<string, Spec | FieldSpec>, tag?: string): Spec {
  return (node, field, ctx, parent) => {
    if (!isMap(node)) fail(ctx, node, parent, field, 'a map');
    if (ctx.strict) refuseUnknownKeys(node, field, ctx, [...(tag === undefined ? [] : [tag]), ...Object.keys(fields)]);
    for (const [name, f] of Object.entries(fields)) {
      const { spec, optional } = typeof f === 'function' ? { spec: f, optional: false } : f;
      const child = valueNode(node, name);
      if (child === undefined && optional) continue;
      spec(child, field === '' ? name : `${field}.${name}`, ctx, node);
    }
  };
}

/** A map whose `kind` field picks the record spec that checks the rest. */
export function byKind<T extends Record<string, Record<string, Spec | FieldSpec>>>(kinds: T): Spec {
  const specs = new Map(Object.entries(kinds).map(([kind, fields]) => [kind, record(fields, 'kind')]));
  const kindSpec = oneOf(...specs.keys());
  return (node, field, ctx, parent) => {
    if (!isMap(node)) fail(ctx, node, parent, field, 'a map');
    const kindNode = valueNode(node, 'kind');
    kindSpec(kindNode, `${field}.kind`, ctx, node);
    const kind = (kindNode as { value: string }).value;
    (specs.get(kind) as Spec)(node, `${field} (${kind})`, ctx, parent);
  };
}

/** Throws at the first key of `node` that is not in `known`, listing the known ones. */
function refuseUnknownKeys(node: YAMLMap, field: string, ctx: SchemaContext, known: readonly string[]): void {
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    if (typeof key === 'string' && known.includes(key)) continue;
    const { line, col } = ctx.lines.linePos((pair.key as Node | null)?.range?.[0] ?? node.range?.[0] ?? 0);
    const where = field === '' ? String(key) : `${field}.${String(key)}`;
    throw new TraceFileError(
      `${ctx.api}: ${ctx.file}:${line}:${col}: ${where}: unknown field; expected one of ${known.join(', ')}`,
      ctx.file,
      line,
      col,
    );
  }
}

/** The value node of `key` in a map, or undefined when the key is absent. */
export function valueNode(map: YAMLMap, key: string): Node | null | undefined {
  const pair = map.items.find((p: Pair) => (isScalar(p.key) ? p.key.value === key : p.key === key));
  if (pair === undefined) return undefined;
  return pair.value as Node | null;
}
