/**
 * What each host's application observed in one run, for the differential stage (simulator vs
 * kernel Soft-RoCE): A's completions per WR in order, B's RECV contents, B's final memory. Times,
 * retries and inferred network events are left out: they are how, not what.
 */
import type { Execution } from '../../src/core/execution';

/** The application-level outcome of one run. */
export interface Observed {
  /** A's delivered send completions in order, as "wr:STATUS" (value appended for READ/atomics). */
  completions: string[];
  /** B's delivered RECVs in order, as "wr:STATUS=payload". */
  recvs: string[];
  /** B's memory at the end. */
  memoryB: number[];
}

/** The outcome the applications saw in `ex`. */
export function observed(ex: Execution): Observed {
  const completions: string[] = [];
  const recvs: string[] = [];
  for (const e of ex.trace) {
    if (e.kind !== 'Deliver') continue;
    const wc = e.wc;
    if (wc.opcode === 'RECV') {
      if (e.host === 'B')
        recvs.push(
          `${wc.wrId}:${wc.status}=${wc.status === 'SUCCESS' ? [wc.value ?? '', ...(wc.payload ?? [])].join('/') : ''}`,
        );
      continue;
    }
    if (e.host !== 'A') continue;
    const carriesValue = wc.status === 'SUCCESS' && wc.value !== undefined;
    completions.push(`${wc.wrId}:${wc.status}${carriesValue ? `=${wc.value}` : ''}`);
  }
  return { completions, recvs, memoryB: [...ex.end.memory.B] };
}

/** The differences between two outcomes, one line each (empty: they agree). */
export function differences(sim: Observed, real: Observed): string[] {
  const out: string[] = [];
  const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, k) => x === b[k]);
  if (!same(sim.completions, real.completions))
    out.push(`completions: sim [${sim.completions.join(' ')}] vs rxe [${real.completions.join(' ')}]`);
  if (!same(sim.recvs, real.recvs)) out.push(`recvs: sim [${sim.recvs.join(' ')}] vs rxe [${real.recvs.join(' ')}]`);
  if (!same(sim.memoryB, real.memoryB))
    out.push(`memory of B: sim [${sim.memoryB.join(',')}] vs rxe [${real.memoryB.join(',')}]`);
  return out;
}
