/** Reading trace files: parse, check the version, validate every field, return the counterexample. */
import { readFileSync, statSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Counterexample, CounterexampleData, GeneratorLimits, OpClass } from '../core/results';
import type { Verdict } from '../core/property';
import type { Scenario, SimConfig } from '../core/scenario';
import type { Trace } from '../core/trace';
import { CounterexampleRecord } from './counterexample';
import { SUPPORTED_TRACE_VERSIONS } from './format';
import { fail, TraceFileError, valueNode } from './schema';
import type { SchemaContext } from './schema';
import { traceFile } from './trace-schema';
import { blockTooDeepAt, linePosOf, MAX_FLOW_NESTING, tooDeepAt } from './nesting';
import { toolVersion } from './version';

export { TraceFileError } from './schema';

/**
 * The largest trace file read, in bytes. Counterexamples are shrunk, so real ones are a few
 * kilobytes; the limit is checked before reading, so a huge file costs neither time nor memory.
 */
export const MAX_TRACE_FILE_BYTES = 16 * 1024 * 1024;

/** The most YAML aliases a trace file may use (rdmacheck writes none): stops alias bombs. */
export const MAX_TRACE_ALIASES = 16;

/** A trace file read back: its counterexample, and where it came from. */
export interface LoadedTrace extends Counterexample {
  /** The trace-format version of the file. */
  formatVersion: number;
  /** The file it came from ('<string>' when parsed from text). */
  file: string;
}

/** A counterexample read from a file: the counterexample's data, then the file's two fields. */
class LoadedCounterexample extends CounterexampleRecord implements LoadedTrace {
  declare formatVersion: number;
  declare file: string;

  constructor(data: CounterexampleData, formatVersion: number, file: string) {
    super(data);
    this.formatVersion = formatVersion;
    this.file = file;
  }
}

/**
 * Reads and validates a trace file. Throws TraceFileError (message: file:line:col, the field,
 * what was expected) on malformed YAML, a missing or mistyped field, or an unsupported version.
 */
export function loadTrace(file: string): LoadedTrace {
  let text: string;
  try {
    const bytes = statSync(file).size;
    if (bytes > MAX_TRACE_FILE_BYTES)
      throw new TraceFileError(
        `loadTrace: ${file}:1:1: the file is ${bytes} bytes, more than a trace file can be ` +
          `(${MAX_TRACE_FILE_BYTES} bytes); is it an rdmacheck trace file?`,
        file,
        1,
        1,
      );
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof TraceFileError) throw e;
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new TraceFileError(`loadTrace: cannot read ${file}: ${reason}`, file, 0, 0);
  }
  return parseTrace(text, { file, api: 'loadTrace' });
}

/** Options of parseTrace. */
export interface ParseTraceOptions {
  /** The name used in error messages (default '<string>'). */
  file?: string;
  /** The API name that starts error messages (default 'parseTrace'). */
  api?: string;
}

/** Parses and validates trace-file text (see loadTrace). */
export function parseTrace(text: string, options: ParseTraceOptions = {}): LoadedTrace {
  const lines = new LineCounter();
  const ctx: SchemaContext = { file: options.file ?? '<string>', lines, api: options.api ?? 'parseTrace' };
  const deep = tooDeepAt(text) ?? blockTooDeepAt(text);
  if (deep !== undefined) {
    const { line, col } = linePosOf(text, deep);
    throw new TraceFileError(
      `${ctx.api}: ${ctx.file}:${line}:${col}: nested more than ${MAX_FLOW_NESTING} levels deep (a trace file nests a few)`,
      ctx.file,
      line,
      col,
    );
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError !== undefined) {
    const offset = syntaxError.pos[0];
    const { line, col } = lines.linePos(offset);
    const first = syntaxError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    // The parser recurses per nesting level: a stack overflow means absurdly deep nesting.
    const what = /call stack/i.test(first) ? 'nested too deeply (a trace file nests a few levels)' : first;
    throw new TraceFileError(`${ctx.api}: ${ctx.file}:${line}:${col}: not valid YAML: ${what}`, ctx.file, line, col);
  }
  const root = doc.contents as Node | null;
  if (!isMap(root)) fail(ctx, root, undefined, 'the document', 'a map starting with "rdmacheck: 1"');
  checkVersion(ctx, root);
  refuseAliasBombs(ctx, doc);
  traceFile(root, '', ctx, undefined);
  const traceNode = valueNode(root, 'trace');
  if (isSeq(traceNode)) {
    // Event indices are positions: replay compares event k with event k.
    traceNode.items.forEach((item, k) => {
      const iNode = isMap(item) ? valueNode(item, 'i') : undefined;
      if ((iNode as { value?: unknown } | undefined)?.value !== k)
        fail(ctx, iNode as Node, item as Node, `trace[${k}].i`, `${k} (events are numbered by position)`);
    });
    // Virtual time never goes back: an event earlier than the one before it was edited or reordered.
    traceNode.items.reduce<number>((before, item, k) => {
      const tNode = valueNode(item as import('yaml').YAMLMap, 't') as { value: number } & Node;
      if (tNode.value < before)
        fail(ctx, tNode, item as Node, `trace[${k}].t`, `a time >= ${before} (events are in time order)`);
      return tNode.value;
    }, 0);
  }
  let js: Record<string, unknown>;
  try {
    // Few aliases can still expand exponentially: the parser's own limit counts the expansion.
    js = doc.toJS({ maxAliasCount: MAX_TRACE_ALIASES * 16 }) as Record<string, unknown>;
  } catch (e) {
    throw new TraceFileError(
      `${ctx.api}: ${ctx.file}:1:1: the document cannot be read: ${(e as Error).message}`,
      ctx.file,
      1,
      1,
    );
  }
  const data: CounterexampleData = {
    property: js.property as string,
    explanation: js.explanation as string,
    events: js.witness as number[],
    layer: js.layer as string,
    adapter: js.adapter as string,
    seed: js.seed as number,
    path: String(js.path),
    ...(js.generator === undefined ? {} : { generator: js.generator as GeneratorLimits }),
    scenario: js.scenario as Scenario,
    trace: js.trace as Trace,
  };
  const verdict = (js.verdict as string | undefined) ?? 'violated';
  data.verdict =
    verdict === 'violated'
      ? { status: 'violated', explanation: data.explanation, events: data.events }
      : verdict === 'holds'
        ? { status: 'holds' }
        : ({ status: 'unknown', reason: data.explanation } satisfies Verdict);
  if (js.config !== undefined) data.config = js.config as SimConfig;
  if (typeof js.tool === 'string') data.toolVersion = js.tool.replace(/^rdmacheck /, '');
  if (typeof js.opcode === 'string') data.opcode = js.opcode as OpClass;
  return new LoadedCounterexample(data, js.rdmacheck as number, ctx.file);
}

/** Throws at the first alias when the document has more than MAX_TRACE_ALIASES of them. */
function refuseAliasBombs(ctx: SchemaContext, doc: Document): void {
  let aliases = 0;
  let first: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      first ??= node;
      aliases += 1;
      return aliases > MAX_TRACE_ALIASES ? visit.BREAK : undefined;
    },
  });
  if (aliases > MAX_TRACE_ALIASES)
    fail(ctx, first, undefined, 'the document', `at most ${MAX_TRACE_ALIASES} YAML aliases (rdmacheck writes none)`);
}

/** The first check: `rdmacheck: N` with a version this build reads. */
function checkVersion(ctx: SchemaContext, root: import('yaml').YAMLMap): void {
  const node = valueNode(root, 'rdmacheck');
  const supported = SUPPORTED_TRACE_VERSIONS.join(', ');
  if (node === undefined)
    fail(ctx, node, root, 'rdmacheck', `the format version (rdmacheck: 1): is this an rdmacheck trace file?`);
  const version = (node as { value?: unknown } | null)?.value;
  if (typeof version !== 'number' || !Number.isInteger(version))
    fail(ctx, node, root, 'rdmacheck', `an integer format version (supported: ${supported})`);
  if (!SUPPORTED_TRACE_VERSIONS.includes(version)) {
    const { line, col } = ctx.lines.linePos(node?.range?.[0] ?? 0);
    throw new TraceFileError(
      `${ctx.api}: ${ctx.file}:${line}:${col}: trace format version ${version} is not supported by rdmacheck ${toolVersion()} ` +
        `(supported versions: ${supported}); use the rdmacheck version that wrote the file`,
      ctx.file,
      line,
      col,
    );
  }
}
