/** Starting a worker thread from source (ts-node, jest) or from the compiled build alike. */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';

/**
 * A Worker running the module `file` (an absolute path without extension) with `data`. Why two
 * ways: from dist/ the worker is plain JavaScript; from src/ (ts-node, ts-jest) the worker thread
 * has no TypeScript loader of its own, so it registers ts-node (transpile-only) before requiring
 * the .ts entry.
 */
export function startWorkerFile(file: string, data: unknown, resourceLimits: ResourceLimits): Worker {
  const js = `${file}.js`;
  if (existsSync(js)) return new Worker(js, { workerData: data, resourceLimits });
  const bootstrap = `
    require(${JSON.stringify(require.resolve('ts-node'))}).register({
      transpileOnly: true, skipProject: true,
      compilerOptions: { module: 'commonjs', moduleResolution: 'node', target: 'es2022', esModuleInterop: true },
    });
    require(${JSON.stringify(`${file}.ts`)});`;
  return new Worker(bootstrap, { eval: true, workerData: data, resourceLimits });
}
