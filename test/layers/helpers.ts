/** Helpers for the reference layers' scenario tests: run, and read the trace like a bug report. */
import { sim } from '../../adapters/sim';
import type { Execution } from '../../src/core/execution';
import type { FailoverLayer } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import type { TraceEvent } from '../../src/core/trace';

/** Runs a scenario on the simulator and asserts the layer never misused the contract. */
export function run(layer: FailoverLayer, scenario: Partial<Scenario>): Execution {
  const ex = sim().runSync!({ workload: [], faults: [], ...scenario }, layer);
  const faults = of(ex, 'LayerFault');
  if (faults.length > 0) throw new Error(`${layer.name} misused the contract: ${JSON.stringify(faults)}`);
  return ex;
}

/** The events of one kind, typed. */
export function of<K extends TraceEvent['kind']>(ex: Execution, kind: K): Extract<TraceEvent, { kind: K }>[] {
  return ex.trace.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

/** Successful executions at the responder of application WR `wr` of host A (its own opcode). */
export function executions(ex: Execution, wr: number): number {
  return of(ex, 'Execute').filter((e) => e.wr === wr && e.from === 'A' && e.status === 'SUCCESS').length;
}

/** Effects a responder-side layer declared for WR `wr` of host A (MemOp forWr). */
export function layerEffects(ex: Execution, wr: number): number {
  return of(ex, 'MemOp').filter((e) => e.host === 'B' && e.forWr === wr && e.op !== 'read').length;
}

/** The send completions the application on `host` received, as "wrId:STATUS". */
export function sendDeliveries(ex: Execution, host: 'A' | 'B' = 'A'): string[] {
  return of(ex, 'Deliver')
    .filter((e) => e.host === host && e.wc.opcode !== 'RECV')
    .map((e) => `${e.wc.wrId}:${e.wc.status}`);
}

/** What each RECV of `host`'s application received, as "recvId<-value". */
export function recvDeliveries(ex: Execution, host: 'A' | 'B' = 'B'): string[] {
  return of(ex, 'Deliver')
    .filter((e) => e.host === host && e.wc.opcode === 'RECV')
    .map((e) => `${e.wc.wrId}<-${e.wc.status === 'SUCCESS' ? (e.wc.value ?? `imm ${e.wc.imm}`) : e.wc.status}`);
}

/** The final memory of B. */
export function memoryB(ex: Execution): number[] {
  return ex.end.memory.B;
}
