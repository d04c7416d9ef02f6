/** Small helpers for the simulator's rule tests. */
import { sim } from '../../adapters/sim';
import type { Execution } from '../../src/core/execution';
import type { FailoverLayer } from '../../src/core/layer';
import { passThrough } from '../../src/layers/passThrough';
import type { Scenario } from '../../src/core/scenario';
import type { TraceEvent } from '../../src/core/trace';

/** Runs a scenario on the simulator (pass-through layer unless given). */
export function run(scenario: Partial<Scenario>, layer: FailoverLayer = passThrough): Execution {
  return sim().runSync!({ workload: [], faults: [], ...scenario }, layer);
}

/** The events of one kind, typed. */
export function of<K extends TraceEvent['kind']>(ex: Execution, kind: K): Extract<TraceEvent, { kind: K }>[] {
  return ex.trace.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

/** The completions the application on `host` received, as "wrId:STATUS" strings in order. */
export function delivered(ex: Execution, host: 'A' | 'B' = 'A'): string[] {
  return of(ex, 'Deliver')
    .filter((e) => e.host === host)
    .map((e) => `${e.wc.wrId}:${e.wc.status}`);
}

/** How many times the responder executed WR `wr` of host A (successfully). */
export function executions(ex: Execution, wr: number): number {
  return of(ex, 'Execute').filter((e) => e.wr === wr && e.from === 'A' && e.status === 'SUCCESS').length;
}

/**
 * A small retry layer for the paper's scenarios: posts on path 0; on an error completion it
 * resets nothing and re-posts the WR once on path 1 (transparent, like most retry wrappers).
 * RECVs go to path 0; a RECV flushed there is re-posted on path 1.
 */
export const retryOnBackup: FailoverLayer = {
  name: 'test-retry-on-backup',
  transparent: true,
  create(env) {
    const wrs = new Map<number, import('../../src/core/verbs').SendWr>();
    const retried = new Set<number>();
    return {
      postSend(wr) {
        wrs.set(wr.id, wr);
        env.post(0, wr);
      },
      postRecv(wr) {
        env.postRecv(0, wr);
      },
      onCompletion(path, wc) {
        // A RECV flushed from the failed QP is re-posted on the backup, as retry wrappers do.
        if (wc.opcode === 'RECV' && wc.status === 'WR_FLUSH_ERR' && path === 0)
          return void env.postRecv(1, { id: wc.wrId });
        if (wc.opcode === 'RECV') return env.deliver(wc);
        if (wc.status !== 'SUCCESS' && path === 0 && !retried.has(wc.wrId) && wrs.has(wc.wrId)) {
          retried.add(wc.wrId);
          env.post(1, wrs.get(wc.wrId)!);
          return;
        }
        env.deliver(wc);
      },
    };
  },
};
