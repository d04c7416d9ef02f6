/** Starting the fresh-replay worker from source (ts-node, jest) or from the compiled build alike. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Memory a worker running a user's layer may use: past it the worker stops with
 * ERR_WORKER_OUT_OF_MEMORY, reported as the layer's finding, instead of rdmacheck dying.
 */
export const LAYER_HEAP_LIMIT_MB = 1024;

/** A Worker running `entry` (a file of this folder, without extension) with `data`, heap-limited. */
export function startWorker(entry: string, data: unknown): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: LAYER_HEAP_LIMIT_MB };
  const js = join(__dirname, `${entry}.js`);
  if (existsSync(js)) return new Worker(js, { workerData: data, resourceLimits });
  const ts = join(__dirname, `${entry}.ts`);
  const bootstrap = `
    require(${JSON.stringify(require.resolve('ts-node'))}).register({
      transpileOnly: true, skipProject: true,
      compilerOptions: { module: 'commonjs', moduleResolution: 'node', target: 'es2022', esModuleInterop: true },
    });
    require(${JSON.stringify(ts)});`;
  return new Worker(bootstrap, { eval: true, workerData: data, resourceLimits });
}
