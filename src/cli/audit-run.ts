/**
 * The audit itself, as run inside the worker: load the layer, check each op class, report
 * progress. The report's own fields are data (a Counterexample's methods sit on its prototype), so
 * it crosses the worker boundary as it is; the CLI gives the counterexamples their methods back.
 */
import { checkColumns } from '../check/checkLayer';
import { CHECK_DEFAULTS } from '../check/options';
import { properties as allProperties } from '../../properties';
import type { Property } from '../core/property';
import type { OpClass, PropertyResult, Report } from '../core/results';
import type { FaultKind, NicProfile, ScenarioSettings } from '../core/scenario';
import type { Opcode } from '../core/verbs';
import { carriedOpcodes } from '../core/layer';
import { CliError } from './errors';
import type { Shard } from '../check/shard';
import { loadLayer } from './load-layer';
import type { LayerSpec } from './load-layer';
import type { ProgressUpdate } from './progress';
import { coverageShortfalls, mergeCoverage } from '../check/coverage/tally';

/** What to audit and how hard. */
export interface AuditRequest {
  layer: LayerSpec;
  /**
   * Op classes, one matrix column each (the workload is restricted to that opcode); default: the
   * ones the layer carries, its `opcodes`.
   */
  opcodes?: Opcode[];
  /** Add the 'mixed' column (scenarios drawing from every selected op class); default: 2+ op classes. */
  mixed?: boolean;
  /** Property names (default every property). */
  properties?: string[];
  /** Generated scenarios per op class (the checker's default when absent). */
  numRuns?: number;
  seed?: number;
  /** NIC profile of the simulated fabric (the checker's default when absent). */
  nic?: NicProfile;
  /** Wall-clock budget of one op class (search and shrinking), in milliseconds. */
  budgetMsPerOpClass?: number;
  /** This audit's shard of a campaign (its seed becomes seed + index - 1). */
  shard?: Shard;
  /** Least runs per coverage class over the whole audit (--require-coverage). */
  requireCoverage?: Record<string, number>;
  /** Liveness budget of every run, in virtual nanoseconds (the checker's default when absent). */
  livenessNs?: number;
  /** Settings every generated run takes (default: the layer's own config). */
  config?: ScenarioSettings;
  /** The only fault kinds drawn (--fault-kinds; [] draws none); default every drawn kind. */
  faultKinds?: FaultKind[];
  /** false: no out-of-range addresses (--no-bad-addresses). */
  badAddresses?: boolean;
}

/** What the audit tells its caller while it runs. */
export type AuditEvent =
  | { type: 'layer'; name: string }
  | { type: 'progress'; update: ProgressUpdate }
  | { type: 'cell'; update: ProgressUpdate & { status: string } }
  /** A counterexample, already replayed in-process: the CLI writes it at once (nothing lost if interrupted). */
  | { type: 'found'; result: PropertyResult };

/** The audit's columns: each op class, then 'mixed' unless turned off (or only one op class). */
export function auditColumns(request: { opcodes: readonly Opcode[]; mixed?: boolean }): OpClass[] {
  const mixed = request.mixed ?? request.opcodes.length > 1;
  return [...request.opcodes, ...(mixed ? (['mixed'] as const) : [])];
}

/** Runs the audit and resolves to a report with one result per property and op class. */
export async function runAudit(request: AuditRequest, emit: (event: AuditEvent) => void): Promise<Report> {
  const layer = loadLayer(request.layer);
  emit({ type: 'layer', name: layer.name });
  const carried = carriedOpcodes(layer);
  const opcodes = request.opcodes ?? [...carried];
  const foreign = opcodes.filter((op) => !carried.includes(op));
  if (foreign.length > 0)
    throw new CliError(
      `rdmacheck audit: layer ${layer.name} carries only ${carried.join(', ')}; drop ${foreign.join(', ')} from --opcodes`,
    );
  const selected: Property[] =
    request.properties === undefined
      ? [...allProperties.all]
      : request.properties.map((name) => allProperties.all.find((p: Property) => p.name === name) as Property);
  const numRuns = request.numRuns ?? CHECK_DEFAULTS.numRuns;
  const report: Report = {
    layer: layer.name,
    adapter: 'sim',
    seed: request.seed ?? 0,
    ok: true,
    results: [],
    coverage: {},
  };
  for (const opcode of auditColumns({ opcodes, mixed: request.mixed })) {
    // One checker call per column: every property judges the same runs, and the progress
    // display knows when the search of a column ends and its shrinking begins.
    const budget = request.budgetMsPerOpClass;
    const cellReport = await checkColumns(
      layer,
      {
        properties: selected,
        opcodes,
        numRuns,
        ...(request.seed === undefined ? {} : { seed: request.seed }),
        ...(request.nic === undefined ? {} : { nic: request.nic }),
        ...(request.livenessNs === undefined ? {} : { livenessNs: request.livenessNs }),
        ...(request.config === undefined ? {} : { config: request.config }),
        ...(request.faultKinds === undefined ? {} : { faultKinds: request.faultKinds }),
        ...(request.badAddresses === undefined ? {} : { badAddresses: request.badAddresses }),
        ...(request.shard === undefined ? {} : { shard: request.shard }),
        ...(budget === undefined
          ? {}
          : {
              timeLimitMs: Math.max(1, Math.floor(budget / 2)),
              shrinkTimeLimitMs: Math.min(
                CHECK_DEFAULTS.shrinkTimeLimitMs,
                Math.max(1, Math.floor(budget / 2 / selected.length)),
              ),
            }),
        onProgress: (p) =>
          emit({
            type: 'progress',
            update: {
              property: `${selected.length === 1 ? selected[0].name : `${selected.length} properties`}`,
              opcode,
              runs: p.runs,
              failures: p.failures,
              // The search ends at numRuns, or once every property has failed (no work after a verdict).
              shrinking: p.failures > 0 && (p.runs >= numRuns || p.failures >= selected.length),
            },
          }),
      },
      [opcode],
    );
    report.adapter = cellReport.adapter;
    if (cellReport.unsupportedFaultKinds !== undefined) report.unsupportedFaultKinds = cellReport.unsupportedFaultKinds;
    report.seed = cellReport.seed;
    if (cellReport.shard !== undefined) report.shard = cellReport.shard;
    mergeCoverage(report.coverage!, cellReport.coverage);
    // The checker also returns a result per property over all op classes; the matrix keeps the cells.
    for (const r of cellReport.results.filter((x) => x.opcode !== undefined)) {
      if (r.status === 'violated') report.ok = false;
      report.results.push(r);
      if (r.counterexample !== undefined) emit({ type: 'found', result: r });
      emit({
        type: 'cell',
        update: {
          property: r.property,
          opcode,
          runs: r.runs,
          failures: r.status === 'violated' ? 1 : 0,
          status: r.status,
        },
      });
    }
  }
  if (request.requireCoverage !== undefined) {
    // Judged over the whole audit, not per op class: each column was a separate checker call.
    report.coverageShortfalls = coverageShortfalls(report.coverage!, request.requireCoverage);
    if (report.coverageShortfalls.length > 0) report.ok = false;
  }
  return report;
}
