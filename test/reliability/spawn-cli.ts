/** Running the rdmacheck CLI as a child process (from source, through ts-node), for signal and exit tests. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

/** A CLI child process and what it has printed so far. */
export interface CliChild {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves to the exit code (null when killed by a signal it did not handle). */
  exited: Promise<number | null>;
}

/** Starts `rdmacheck ...argv` in `cwd`. */
export function spawnCli(argv: string[], cwd: string): CliChild {
  const child = spawn(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), MAIN, ...argv], {
    cwd,
    env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

/** The YAML files in `dir` (none when it does not exist yet). */
export function yamlFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')) : [];
}

/** Resolves once `test()` holds, polling every 100 ms; rejects after `limitMs`. */
export async function waitFor(test: () => boolean, limitMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!test()) {
    if (Date.now() - start > limitMs) throw new Error(`waitFor: ${what} did not happen within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
