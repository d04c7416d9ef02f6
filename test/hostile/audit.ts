/**
 * The harness of the hostile-layer tests: a short audit of one op class on the simulator, timed,
 * and the readings every test makes of it (each property has a result, which were violated, the
 * LayerFaults of a counterexample). A hostile layer must come out as findings, never as a crash
 * or a hang of rdmacheck, and every other property must still have been judged.
 */
import { checkLayer } from '../../src/check/checkLayer';
import { properties } from '../../properties';
import type { FailoverLayer } from '../../src/core/layer';
import type { PropertyResult, Report } from '../../src/core/results';
import type { TraceEvent } from '../../src/core/trace';
import type { Opcode } from '../../src/core/verbs';

/** A finished audit of a hostile layer and how long it took. */
export interface HostileAudit {
  report: Report;
  wallMs: number;
  /** The result of each property on the audited op class. */
  cells: Record<string, PropertyResult>;
}

/** Audits `layer` on one op class with a few runs and bounded shrinking. */
export async function auditHostile(layer: FailoverLayer, opcode: Opcode = 'WRITE', numRuns = 8): Promise<HostileAudit> {
  const t0 = performance.now();
  const report = await checkLayer(layer, { opcodes: [opcode], numRuns, seed: 7, shrinkTimeLimitMs: 3_000 });
  const wallMs = performance.now() - t0;
  const cells: Record<string, PropertyResult> = {};
  for (const r of report.results) if (r.opcode === opcode) cells[r.property] = r;
  return { report, wallMs, cells };
}

/** Every property's name: each must be judged even when the layer is hostile. */
export const ALL_PROPERTIES: string[] = properties.all.map((p) => p.name);

/** The names of the violated properties. */
export function violated(a: HostileAudit): string[] {
  return Object.values(a.cells)
    .filter((r) => r.status === 'violated')
    .map((r) => r.property)
    .sort();
}

/** The LayerFault reasons recorded in a property's counterexample, as "during: reason". */
export function layerFaults(a: HostileAudit, property: string): string[] {
  const cx = a.cells[property]?.counterexample;
  return (cx?.trace ?? [])
    .filter((e): e is Extract<TraceEvent, { kind: 'LayerFault' }> => e.kind === 'LayerFault')
    .map((e) => `${e.during}: ${e.reason}`);
}

/** A layer built from per-host callbacks; `make` may return anything (hostile create()). */
export function layerOf(name: string, make: (env: Parameters<FailoverLayer['create']>[0]) => unknown): FailoverLayer {
  return { name, create: (env) => make(env) as ReturnType<FailoverLayer['create']> };
}

/** A plain forwarding instance (post on path 0, deliver what completes): the base hostile layers vary. */
export function forwarder(env: Parameters<FailoverLayer['create']>[0]) {
  return {
    postSend: (wr: Parameters<ReturnType<FailoverLayer['create']>['postSend']>[0]) => void env.post(0, wr),
    postRecv: (wr: { id: number }) => void env.postRecv(0, wr),
    onCompletion: (_path: number, wc: Parameters<typeof env.deliver>[0]) => env.deliver(wc),
  };
}
