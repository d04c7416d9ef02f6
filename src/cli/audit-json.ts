/** `rdmacheck audit --format json`: the report as data, with what `rdmacheck merge` adds up. */
import type { Report } from '../core/results';
import { scenarioSize } from '../check/descend';
import { scenariosRun } from './merge-report';

/** The JSON document of an audit: its report, the files written, and how long it took. */
export function jsonReport(report: Report, files: Record<number, string>, elapsedMs: number): unknown {
  return {
    layer: report.layer,
    adapter: report.adapter,
    seed: report.seed,
    ...(report.shard === undefined ? {} : { shard: report.shard }),
    ok: report.ok,
    // What rdmacheck merge adds up: generated scenarios (per op class, the most any property
    // judged) and the wall time of the audit.
    scenarios: scenariosRun(report),
    elapsedMs,
    coverage: report.coverage ?? {},
    ...(report.coverageShortfalls === undefined ? {} : { coverageShortfalls: report.coverageShortfalls }),
    ...(report.unsupportedFaultKinds === undefined ? {} : { unsupportedFaultKinds: report.unsupportedFaultKinds }),
    results: report.results.map((r, k) => ({
      property: r.property,
      opcode: r.opcode ?? null,
      status: r.status,
      runs: r.runs,
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      ...(r.counterexample === undefined
        ? {}
        : {
            counterexample: {
              explanation: r.counterexample.explanation,
              seed: r.counterexample.seed,
              path: r.counterexample.path,
              generator: r.counterexample.generator ?? null,
              events: r.counterexample.events,
              size: scenarioSize(r.counterexample.scenario),
              file: files[k] ?? null,
            },
          }),
    })),
  };
}
