/** Starting the audit worker from source (ts-node, jest) or from the compiled build alike. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * A Worker running audit-worker with `data`. Why two ways: from dist/ the worker is plain
 * JavaScript; from src/ (ts-node, ts-jest) the worker thread has no TypeScript loader of its own,
 * so it registers ts-node (transpile-only) before requiring the .ts entry.
 */
export function startAuditWorker(data: unknown): Worker {
  const js = join(__dirname, 'audit-worker.js');
  if (existsSync(js)) return new Worker(js, { workerData: data });
  const ts = join(__dirname, 'audit-worker.ts');
  const bootstrap = `
    require(${JSON.stringify(require.resolve('ts-node'))}).register({
      transpileOnly: true, skipProject: true,
      compilerOptions: { module: 'commonjs', moduleResolution: 'node', target: 'es2022', esModuleInterop: true },
    });
    require(${JSON.stringify(ts)});`;
  return new Worker(bootstrap, { eval: true, workerData: data });
}
