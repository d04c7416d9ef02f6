/**
 * Folding the JSON reports of a sharded campaign (`rdmacheck audit --shard i/n --format json`)
 * into one audit matrix: per cell the runs add up; a cell is violated when any shard found a
 * violation (the smallest counterexample is kept, ties to the lowest seed), unknown when any
 * shard could not decide and none found one, and holds otherwise.
 */
import type { PropertyResult, Report } from '../core/results';

/** A counterexample as an audit's JSON report names it. */
export interface JsonCounterexample {
  explanation: string;
  seed: number;
  path: string;
  size?: number;
  file: string | null;
  [other: string]: unknown;
}

/** One cell of an audit's JSON report. */
export interface JsonResult {
  property: string;
  opcode: string | null;
  status: PropertyResult['status'];
  runs: number;
  reason?: string;
  counterexample?: JsonCounterexample;
}

/** An audit's JSON report (rdmacheck audit --format json). */
export interface JsonAudit {
  layer: string;
  adapter: string;
  seed: number;
  shard?: { index: number; count: number };
  ok: boolean;
  scenarios: number;
  elapsedMs: number;
  results: JsonResult[];
}

/** The merged campaign. */
export interface MergedCampaign extends JsonAudit {
  /** The shards folded in, by their seeds. */
  shards: { seed: number; shard?: { index: number; count: number }; scenarios: number; elapsedMs: number }[];
  /** Shards of the campaign that no report covers (when the reports carry shard numbers). */
  missingShards: number[];
}

/** Generated scenarios of a report: per op class, the most runs any property judged. */
export function scenariosRun(report: Pick<Report, 'results'>): number {
  const perColumn = new Map<string, number>();
  for (const r of report.results) {
    if (r.opcode === undefined || r.opcode === null) continue;
    perColumn.set(r.opcode, Math.max(perColumn.get(r.opcode) ?? 0, r.runs));
  }
  return [...perColumn.values()].reduce((a, b) => a + b, 0);
}

/** Checks that `x` is an audit JSON report; throws an Error naming `source` and the fix. */
export function asJsonAudit(x: unknown, source: string): JsonAudit {
  const r = x as Partial<JsonAudit> | null;
  const fail = (what: string): never => {
    throw new Error(`${source} is not an audit report (${what}); write one with rdmacheck audit LAYER --format json`);
  };
  if (r === null || typeof r !== 'object') return fail('not a JSON object');
  if (typeof r.layer !== 'string' || typeof r.adapter !== 'string') return fail('no layer or adapter');
  if (typeof r.seed !== 'number') return fail('no seed');
  if (!Array.isArray(r.results)) return fail('no results');
  if (typeof r.scenarios !== 'number' || typeof r.elapsedMs !== 'number')
    return fail('no scenarios or elapsedMs: written by an older rdmacheck');
  for (const c of r.results)
    if (
      !c ||
      typeof c.property !== 'string' ||
      typeof c.runs !== 'number' ||
      !['holds', 'violated', 'unknown'].includes(c.status)
    )
      return fail('a result without property, status or runs');
  return r as JsonAudit;
}

/** Folds the shard reports into one campaign; throws when they are not of one campaign. */
export function mergeAudits(reports: { source: string; audit: JsonAudit }[]): MergedCampaign {
  if (reports.length === 0) throw new Error('give at least one report');
  const first = reports[0];
  for (const { source, audit } of reports) {
    if (audit.layer !== first.audit.layer || audit.adapter !== first.audit.adapter)
      throw new Error(
        `${source} audits ${audit.layer} on ${audit.adapter}, ${first.source} audits ${first.audit.layer} on ${first.audit.adapter}: merge the shards of one campaign`,
      );
  }
  const seeds = new Map<number, string>();
  for (const { source, audit } of reports) {
    const other = seeds.get(audit.seed);
    if (other !== undefined)
      throw new Error(`${source} and ${other} ran the same seed ${audit.seed}: the same shard twice (give each once)`);
    seeds.set(audit.seed, source);
  }
  const counts = new Set(reports.map((r) => r.audit.shard?.count).filter((c): c is number => c !== undefined));
  if (counts.size > 1)
    throw new Error(`the reports come from campaigns of ${[...counts].join(' and ')} shards: merge one campaign`);
  const count = [...counts][0];
  const covered = new Set(reports.map((r) => r.audit.shard?.index));
  const missingShards =
    count === undefined ? [] : Array.from({ length: count }, (_, k) => k + 1).filter((i) => !covered.has(i));

  const cells = new Map<string, JsonResult[]>();
  for (const { audit } of reports)
    for (const r of audit.results) {
      const key = `${r.property}\u0000${r.opcode ?? ''}`;
      cells.set(key, [...(cells.get(key) ?? []), r]);
    }
  const results = [...cells.values()].map(mergeCell);
  return {
    layer: first.audit.layer,
    adapter: first.audit.adapter,
    seed: Math.min(...reports.map((r) => r.audit.seed)),
    ok: results.every((r) => r.status !== 'violated'),
    scenarios: reports.reduce((n, r) => n + r.audit.scenarios, 0),
    elapsedMs: Math.max(...reports.map((r) => r.audit.elapsedMs)),
    results,
    shards: reports.map(({ audit }) => ({
      seed: audit.seed,
      ...(audit.shard ? { shard: audit.shard } : {}),
      scenarios: audit.scenarios,
      elapsedMs: audit.elapsedMs,
    })),
    missingShards,
  };
}

/** One cell over every shard. */
function mergeCell(shards: JsonResult[]): JsonResult {
  const { property, opcode } = shards[0];
  const runs = shards.reduce((n, r) => n + r.runs, 0);
  const violated = shards.filter((r) => r.status === 'violated' && r.counterexample !== undefined);
  if (violated.length > 0 || shards.some((r) => r.status === 'violated')) {
    const smallest = violated
      .map((r) => r.counterexample!)
      .sort((a, b) => (a.size ?? Infinity) - (b.size ?? Infinity) || a.seed - b.seed)[0];
    return { property, opcode, status: 'violated', runs, ...(smallest ? { counterexample: smallest } : {}) };
  }
  const unknown = shards.filter((r) => r.status === 'unknown');
  if (unknown.length > 0)
    return {
      property,
      opcode,
      status: 'unknown',
      runs,
      reason: `${unknown.length} of ${shards.length} shards: ${unknown[0].reason ?? 'no reason given'}`,
    };
  return { property, opcode, status: 'holds', runs };
}
