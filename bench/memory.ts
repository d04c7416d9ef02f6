/**
 * Memory: the heap after each batch of checked scenarios (completion-log, every property, every
 * op class, a new seed per batch), after a forced garbage collection. Flat means no leak.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { checkLayer } from '../src/check';
import { OPCODES } from '../src/core/verbs';
import { layers } from '../src/layers';
import { now } from './stats';

/** A garbage collector to call: node's own when exposed, else one obtained through V8 flags. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
}

/** The heap curve. */
export interface HeapCurve {
  scenarios: number;
  seconds: number;
  /** [checked scenarios so far, heap used in MB] after each batch. */
  samples: [number, number][];
}

/** Checks `total` scenarios in batches of `perBatch` and samples the heap after each. */
export async function heapCurve(total: number, perBatch = 6_000): Promise<HeapCurve> {
  const gc = collector();
  const numRuns = Math.max(1, Math.round(perBatch / OPCODES.length));
  const samples: [number, number][] = [];
  gc();
  samples.push([0, process.memoryUsage().heapUsed / 2 ** 20]);
  let done = 0;
  const start = now();
  for (let seed = 1; done < total; seed++) {
    await checkLayer(layers.completionLog, { numRuns, seed, opcodes: OPCODES, timeLimitMs: 3_600_000 });
    done += numRuns * OPCODES.length;
    gc();
    samples.push([done, process.memoryUsage().heapUsed / 2 ** 20]);
  }
  return { scenarios: done, seconds: (now() - start) / 1000, samples };
}
