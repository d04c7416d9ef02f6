/**
 * Scenario files (`rdmacheck-scenario: 1`, docs/scenario-format.md): a Scenario written by hand
 * (an incident, a long test) with no trace. Read with the trace file's validator, strictly (a
 * misspelt field is refused, not ignored), then with validateScenario, whose complaints are
 * located in the file too: every error is file:line:col, the field, and what to write instead.
 * A counterexample file is accepted wherever a scenario file is: its scenario is used.
 */
import { readFileSync } from 'node:fs';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Scenario } from '../core/scenario';
import { validateScenario } from '../core/validate';
import { parseTrace } from './load';
import type { LoadedTrace } from './load';
import { any, fail, opt, record, str, TraceFileError, valueNode } from './schema';
import type { SchemaContext } from './schema';
import { scenario as scenarioSpec } from './trace-schema';

/** The scenario-file format version this build writes and reads. */
export const SCENARIO_FORMAT_VERSION = 1;

/** A scenario read from a file. */
export interface LoadedScenario {
  scenario: Scenario;
  /** The file's `description`, when it has one. */
  description?: string;
  /** The file it came from ('<string>' when parsed from text). */
  file: string;
  /** 'scenario' for a scenario file; 'counterexample' for a trace file whose scenario was taken. */
  source: 'scenario' | 'counterexample';
  /** The whole counterexample, when the file was one (its layer, adapter, property, trace). */
  counterexample?: LoadedTrace;
}

/** Options of parseScenario. */
export interface ParseScenarioOptions {
  /** The name used in error messages (default '<string>'). */
  file?: string;
  /** The API name that starts error messages (default 'parseScenario'). */
  api?: string;
}

const scenarioFile = record({ 'rdmacheck-scenario': opt(any), description: opt(str), scenario: scenarioSpec });

/** Reads and validates a scenario file (or a counterexample file). Throws TraceFileError, located. */
export function loadScenario(file: string): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new TraceFileError(`loadScenario: cannot read ${file}: ${reason}`, file, 0, 0);
  }
  return parseScenario(text, { file, api: 'loadScenario' });
}

/** Parses and validates scenario-file text (see loadScenario). */
export function parseScenario(text: string, options: ParseScenarioOptions = {}): LoadedScenario {
  const lines = new LineCounter();
  const ctx: SchemaContext = {
    file: options.file ?? '<string>',
    lines,
    api: options.api ?? 'parseScenario',
    strict: true,
  };
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError !== undefined) {
    const { line, col } = lines.linePos(syntaxError.pos[0]);
    const what = syntaxError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new TraceFileError(`${ctx.api}: ${ctx.file}:${line}:${col}: not valid YAML: ${what}`, ctx.file, line, col);
  }
  const root = doc.contents as Node | null;
  if (!isMap(root)) fail(ctx, root, undefined, 'the document', 'a map starting with "rdmacheck-scenario: 1"');
  if (valueNode(root, 'rdmacheck') !== undefined && valueNode(root, 'rdmacheck-scenario') === undefined) {
    const counterexample = parseTrace(text, { file: ctx.file, api: ctx.api });
    locateSemanticErrors(ctx, doc, counterexample.scenario);
    return { scenario: counterexample.scenario, file: ctx.file, source: 'counterexample', counterexample };
  }
  checkVersion(ctx, root);
  scenarioFile(root, '', ctx, undefined);
  const js = doc.toJS() as { description?: string; scenario: Scenario };
  locateSemanticErrors(ctx, doc, js.scenario);
  return {
    scenario: js.scenario,
    ...(js.description === undefined ? {} : { description: js.description }),
    file: ctx.file,
    source: 'scenario',
  };
}

function checkVersion(ctx: SchemaContext, root: import('yaml').YAMLMap): void {
  const node = valueNode(root, 'rdmacheck-scenario');
  if (node === undefined)
    fail(
      ctx,
      node,
      root,
      'rdmacheck-scenario',
      'the format version (rdmacheck-scenario: 1): is this an rdmacheck scenario file?',
    );
  const version = (node as { value?: unknown } | null)?.value;
  if (version !== SCENARIO_FORMAT_VERSION) {
    fail(
      ctx,
      node,
      root,
      'rdmacheck-scenario',
      `${SCENARIO_FORMAT_VERSION} (the only scenario-file version this rdmacheck reads; use the version that wrote the file)`,
    );
  }
}

/**
 * Runs validateScenario (ranges, unique ids, paths that exist, addresses in memory) and turns
 * its "scenario.faults[0].path: ..." into an error at that field's line and column.
 */
function locateSemanticErrors(ctx: SchemaContext, doc: Document, scenario: Scenario): void {
  try {
    validateScenario(scenario);
  } catch (e) {
    const message = (e as Error).message;
    const m = /^scenario\.?([^:\s]*): (.*)$/s.exec(message);
    const field = m?.[1] ?? '';
    const what = m?.[2] ?? message;
    const path = ['scenario', ...field.split(/[.[\]]+/).filter((p) => p !== '')].map((p) =>
      /^\d+$/.test(p) ? Number(p) : p,
    );
    const node = nearestNode(doc, path);
    const { line, col } = ctx.lines.linePos(node?.range?.[0] ?? 0);
    const shown = field === '' ? 'scenario' : `scenario.${field}`;
    throw new TraceFileError(`${ctx.api}: ${ctx.file}:${line}:${col}: ${shown}: ${what}`, ctx.file, line, col);
  }
}

/** The node at `path`, or at its longest prefix that exists. */
function nearestNode(doc: Document, path: (string | number)[]): Node | undefined {
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node !== undefined && node !== null && typeof node === 'object' && 'range' in node) return node;
  }
  return undefined;
}
