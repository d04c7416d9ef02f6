/**
 * Runs real programs on the fabric: starts the fabric and its socket, starts each program (the
 * first is host A, the second host B) with the fabric's libibverbs first on its library path,
 * waits for them to exit, and returns their outputs and the run's Execution.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Execution } from '../../src/core/execution';
import type { LayerHost } from '../../src/core/verbs';
import { Fabric } from './fabric';
import type { FabricOptions } from './fabric';
import { serveFabric } from './server';

/** A program to run: its command and arguments. */
export interface FabricProgram {
  command: string;
  args?: string[];
  /**
   * Start only once a local TCP port listens (the server's): more robust than waiting for the
   * previous program to go quiet, on a loaded machine.
   */
  waitForListen?: number;
}

/** Options of runFabric. */
export interface RunFabricOptions extends FabricOptions {
  /** One or two programs: hosts A and B. */
  programs: FabricProgram[];
  /** Real milliseconds at least between starting one program and the next (default 50); the next also waits until the previous one reached the fabric and went quiet (a server in accept). */
  staggerMs?: number;
  /** Real milliseconds after which every program still running is killed (default 120000). */
  timeoutMs?: number;
  /**
   * Real milliseconds the fabric may stay idle (nothing pending, every remaining program parked
   * in an empty poll) after a program exited before the remaining ones are stopped (default
   * 1000): a peer that waits for a message from a process that is gone would wait forever.
   */
  idleAfterExitMs?: number;
  /** The directory holding the fabric's libibverbs.so.1 (default: the built one, see fabricLibraryDir). */
  libraryDir?: string;
}

/** How one program ended. */
export interface ProgramOutcome {
  host: LayerHost;
  command: string;
  stdout: string;
  stderr: string;
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Stopped by the fabric: it waited on an idle fabric after its peer exited (see idleAfterExitMs). */
  stoppedIdle: boolean;
}

/** What runFabric returns. */
export interface FabricRun {
  programs: ProgramOutcome[];
  execution: Execution;
  /** Real milliseconds from the first program's start to the last one's exit. */
  wallMs: number;
}

/** Where the built library is: RDMACHECK_FABRIC_LIB, else adapters/fabric/libibverbs/build. */
export function fabricLibraryDir(): string {
  if (process.env.RDMACHECK_FABRIC_LIB) return resolve(process.env.RDMACHECK_FABRIC_LIB);
  const candidates = [
    join(__dirname, 'libibverbs', 'build'),
    join(__dirname, '..', '..', '..', 'adapters', 'fabric', 'libibverbs', 'build'),
  ];
  return candidates.find((c) => existsSync(join(c, 'libibverbs.so.1'))) ?? candidates[0];
}

/** Runs `programs` on a fresh fabric and returns their outcomes and the trace. */
export async function runFabric(options: RunFabricOptions): Promise<FabricRun> {
  if (options.programs.length < 1 || options.programs.length > 2)
    throw new Error(`runFabric: give one or two programs (hosts A and B), not ${options.programs.length}`);
  const libraryDir = options.libraryDir ?? fabricLibraryDir();
  if (!existsSync(join(libraryDir, 'libibverbs.so.1')))
    throw new Error(`runFabric: no libibverbs.so.1 in ${libraryDir}: build it with npm run build:fabric`);
  const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-fabric-'));
  const socketPath = join(dir, 'fabric.sock');
  const fabric = new Fabric(options);
  const server = await serveFabric(fabric, socketPath);
  const started = Date.now();
  const running: Running[] = [];
  // After a program exits, a peer parked on an idle fabric would wait forever: stop it.
  let idleSince: number | undefined;
  const watchdog = setInterval(() => {
    const anyExited = running.some((r) => r.exited);
    idleSince = anyExited && fabric.idle() ? (idleSince ?? Date.now()) : undefined;
    if (idleSince !== undefined && Date.now() - idleSince >= (options.idleAfterExitMs ?? 1000))
      for (const r of running) if (!r.exited) r.stopIdle();
  }, 50);
  try {
    const hosts: LayerHost[] = ['A', 'B'];
    const outcomes = await Promise.all(
      options.programs.map((p, k) =>
        startWhenReady(
          fabric,
          hosts,
          k,
          options.staggerMs ?? 50,
          () => running[k - 1]?.exited ?? true,
          p.waitForListen,
        ).then(() => {
          const r = runProgram(p, hosts[k], libraryDir, socketPath, options.timeoutMs ?? 120_000);
          running.push(r);
          return r.outcome;
        }),
      ),
    );
    const wallMs = Date.now() - started;
    return { programs: outcomes, execution: fabric.finish(), wallMs };
  } finally {
    clearInterval(watchdog);
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Host k starts `staggerMs` after host k-1 and once host k-1 is ready for it: it reached the
 * fabric and then went quiet (a server blocked in accept), or it exited. Unmodified clients
 * such as ibv_rc_pingpong give up when their server is not listening yet.
 */
async function startWhenReady(
  fabric: Fabric,
  hosts: LayerHost[],
  k: number,
  staggerMs: number,
  previousExited: () => boolean,
  port: number | undefined,
): Promise<void> {
  if (k === 0 && port === undefined) return;
  await delay(k === 0 ? 0 : staggerMs);
  const prev = fabric.hosts[hosts[Math.max(0, k - 1)]];
  const ready = (): boolean =>
    port !== undefined ? listening(port) : prev.connected && Date.now() - prev.lastCallMs >= fabric.quietMs;
  while (!previousExited() && !ready()) await delay(20);
}

/** True when a local TCP socket listens on `port` (/proc/net/tcp and tcp6, state 0A). */
function listening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 3 && f[1].endsWith(`:${hex}`) && f[3] === '0A') return true;
    }
  }
  return false;
}

/** A started program: its outcome to come, whether it exited, and how to stop it. */
interface Running {
  outcome: Promise<ProgramOutcome>;
  exited: boolean;
  stopIdle: () => void;
}

function runProgram(
  p: FabricProgram,
  host: LayerHost,
  libraryDir: string,
  socketPath: string,
  timeoutMs: number,
): Running {
  const running: Running = {
    outcome: undefined as unknown as Promise<ProgramOutcome>,
    exited: false,
    stopIdle: () => undefined,
  };
  running.outcome = new Promise((done) => {
    const libPath = [libraryDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    const child = spawn(p.command, p.args ?? [], {
      env: {
        ...process.env,
        LD_LIBRARY_PATH: libPath,
        RDMACHECK_FABRIC_SOCKET: socketPath,
        RDMACHECK_FABRIC_HOST: host,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let stoppedIdle = false;
    running.stopIdle = () => {
      stoppedIdle = true;
      child.kill('SIGKILL');
    };
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const command = [p.command, ...(p.args ?? [])].join(' ');
    child.on('error', (e) => {
      clearTimeout(timer);
      running.exited = true;
      done({
        host,
        command,
        stdout,
        stderr: `${stderr}${e.message}\n`,
        code: null,
        signal: null,
        timedOut,
        stoppedIdle,
      });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.exited = true;
      done({ host, command, stdout, stderr, code, signal, timedOut, stoppedIdle });
    });
  });
  return running;
}
