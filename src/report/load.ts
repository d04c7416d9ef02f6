/** Reading trace files: parse, check the version, validate every field, return the counterexample. */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import type { Counterexample, CounterexampleData, GeneratorLimits, OpClass } from '../core/results';
import type { Verdict } from '../core/property';
import type { Scenario, SimConfig } from '../core/scenario';
import type { Trace } from '../core/trace';
import { CounterexampleRecord } from './counterexample';
import { SUPPORTED_TRACE_VERSIONS } from './format';
import { fail, TraceFileError, valueNode } from './schema';
import type { SchemaContext } from './schema';
import { traceFile } from './trace-schema';
import { toolVersion } from './version';

export { TraceFileError } from './schema';

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
    text = readFileSync(file, 'utf8');
  } catch (e) {
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
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError !== undefined) {
    const offset = syntaxError.pos[0];
    const { line, col } = lines.linePos(offset);
    const what = syntaxError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new TraceFileError(`${ctx.api}: ${ctx.file}:${line}:${col}: not valid YAML: ${what}`, ctx.file, line, col);
  }
  const root = doc.contents as Node | null;
  if (!isMap(root)) fail(ctx, root, undefined, 'the document', 'a map starting with "rdmacheck: 1"');
  checkVersion(ctx, root);
  traceFile(root, '', ctx, undefined);
  const traceNode = valueNode(root, 'trace');
  if (isSeq(traceNode)) {
    // Event indices are positions: replay compares event k with event k.
    traceNode.items.forEach((item, k) => {
      const iNode = isMap(item) ? valueNode(item, 'i') : undefined;
      if ((iNode as { value?: unknown } | undefined)?.value !== k)
        fail(ctx, iNode as Node, item as Node, `trace[${k}].i`, `${k} (events are numbered by position)`);
    });
  }
  const js = doc.toJS() as Record<string, unknown>;
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
