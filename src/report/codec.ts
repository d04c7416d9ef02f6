/**
 * The trace-file format (`rdmacheck: 1`, docs/trace-format.md): writing a counterexample as YAML.
 * Reading is in load.ts. Output is deterministic: the same counterexample gives the same bytes.
 */
import { Document, isMap, isSeq } from 'yaml';
import type { CounterexampleData } from '../core/results';
import { resolveConfig } from '../core/scenario';
import { TRACE_FORMAT_VERSION } from './format';
import { orderedEvent } from './event-line';
import { replayCommand } from './replay-command';
import { toolVersion } from './version';

/** Options of counterexampleToYAML. */
export interface ToYamlOptions {
  /** The file this YAML will be written to, for the replay command in the header comment. */
  file?: string;
  /** The layer's module path, when it is not a reference layer (adds --layer to the replay command). */
  layerModule?: string;
}

/**
 * A counterexample as a self-contained, replayable trace file. Each trace event, workload step
 * and fault is one line (a YAML flow map), so that files diff well and "event k" is line-findable.
 */
export function counterexampleToYAML(data: CounterexampleData, options: ToYamlOptions = {}): string {
  const verdictStatus = data.verdict?.status ?? 'violated';
  // Key order here is the file's key order; keep it stable (renderers and diffs rely on it).
  const file: Record<string, unknown> = {
    rdmacheck: TRACE_FORMAT_VERSION,
    tool: `rdmacheck ${data.toolVersion ?? toolVersion()}`,
    property: data.property,
    layer: data.layer,
    adapter: data.adapter,
    opcode: data.opcode,
    seed: data.seed,
    path: data.path,
    generator: data.generator === undefined ? undefined : plain(data.generator),
    verdict: verdictStatus,
    explanation: data.explanation,
    witness: data.events,
    config: data.config ?? resolveConfig(data.scenario),
    scenario: plain(data.scenario),
    trace: plain(data.trace.map(orderedEvent)),
  };
  const doc = new Document(file);
  doc.commentBefore =
    ` rdmacheck counterexample: ${data.property} violated by ${data.layer} on ${data.adapter}\n` +
    ` replay: ${replayCommand(options.file, options.layerModule)}`;
  flowItems(doc.get('trace'));
  flowItems(doc.get('witness'), true);
  const generator = doc.get('generator');
  if (isMap(generator)) generator.flow = true;
  const scenario = doc.get('scenario');
  if (isMap(scenario)) {
    flowItems(scenario.get('workload'));
    flowItems(scenario.get('faults'));
    const config = scenario.get('config');
    if (isMap(config)) config.flow = true;
  }
  return doc.toString({ lineWidth: 0 });
}

/** Renders each item of a YAML sequence (or the sequence itself) on one line. */
function flowItems(node: unknown, whole = false): void {
  if (!isSeq(node)) return;
  if (whole) {
    node.flow = true;
    return;
  }
  for (const item of node.items) if (isMap(item) || isSeq(item)) item.flow = true;
}

/**
 * A JSON-clean deep copy: drops undefined fields and functions, so a trace recorded by an
 * adapter and the same trace read back from YAML serialize identically.
 */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
