/** The plain data of a counterexample, shared by the codec, the renderers and replay. */
import type { Counterexample, Report } from '../core/results';
import type { Verdict } from '../core/property';
import type { SimConfig } from '../core/scenario';

/** The version of the trace-file format this build writes (and the ones it reads). */
export const TRACE_FORMAT_VERSION = 1;

/** Trace-file format versions `loadTrace` understands. */
export const SUPPORTED_TRACE_VERSIONS: readonly number[] = [1];

/**
 * A counterexample without its rendering methods: what the checker builds, what a trace file
 * holds, and what every renderer takes. `verdict`, `config` and `toolVersion` are optional extras
 * a trace file may carry (the resolved fabric config, the exact verdict, who wrote it).
 */
export type CounterexampleData = Omit<Counterexample, 'toYAML' | 'toText' | 'toMermaid'> & {
  verdict?: Verdict;
  config?: SimConfig;
  toolVersion?: string;
  /** Op class the failing run was restricted to, when the audit ran op class by op class. */
  opcode?: string;
};

/** The data of a counterexample, whether or not it carries its rendering methods. */
export type CounterexampleLike = CounterexampleData | Counterexample;

/** A report whose counterexamples may be plain data (e.g. after crossing a worker boundary). */
export type ReportLike = Omit<Report, 'results'> & {
  results: (Omit<Report['results'][number], 'counterexample'> & { counterexample?: CounterexampleLike })[];
};

/** Copies only the data fields of a counterexample, in a fixed key order (renderers rely on it). */
export function counterexampleData(cx: CounterexampleLike): CounterexampleData {
  const data: CounterexampleData = {
    property: cx.property,
    explanation: cx.explanation,
    events: [...cx.events],
    layer: cx.layer,
    adapter: cx.adapter,
    seed: cx.seed,
    path: cx.path,
    scenario: cx.scenario,
    trace: cx.trace,
  };
  const extra = cx as CounterexampleData;
  if (extra.verdict !== undefined) data.verdict = extra.verdict;
  if (extra.config !== undefined) data.config = extra.config;
  if (extra.toolVersion !== undefined) data.toolVersion = extra.toolVersion;
  if (extra.opcode !== undefined) data.opcode = extra.opcode;
  return data;
}

/** True when the value is a Report (it has per-property results) rather than one counterexample. */
export function isReport(value: CounterexampleLike | ReportLike): value is ReportLike {
  return Array.isArray((value as ReportLike).results);
}
