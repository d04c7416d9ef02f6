/**
 * The isolated channel: the layer runs in a child process (rdmacheck-layer-host, src/host.c) that
 * rdmacheck drives synchronously over two FIFOs with blocking reads and writes, so the simulator
 * stays a synchronous, deterministic loop. The child's supervisor answers every blocking read,
 * even when the layer dies: a crash or the watchdog's kill arrives as a DIED message.
 */
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Channel } from './channel';
import { LayerCrash, describeDeath } from './channel';
import { MSG, Reader } from './protocol';

/** What the isolated channel needs: the host program, the library, the watchdog's budget. */
export interface ProcessChannelOptions {
  hostProgram: string;
  library: string;
  /** CPU time one callback may use before the watchdog stops it. */
  budgetMs: number;
}

/** A child process serving one library's calls. */
export class ProcessChannel implements Channel {
  deadReason: string | undefined;
  private readonly reqFd: number;
  private readonly repFd: number;
  private readonly workerPid: number;
  private readonly header = Buffer.alloc(4);
  private body = Buffer.alloc(4096);

  constructor(private readonly options: ProcessChannelOptions) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-clayer-'));
    const req = path.join(dir, 'req');
    const rep = path.join(dir, 'rep');
    try {
      execFileSync('mkfifo', [req, rep]);
      // The child's stdout goes to stderr: a layer's printf must not corrupt a report on stdout.
      const child = spawn(options.hostProgram, [options.library, req, rep, String(options.budgetMs)], {
        stdio: ['ignore', 2, 2],
      });
      child.on('error', () => undefined); // reported through the FIFOs' end instead
      child.unref();
      // The host opens REQ for reading then REP for writing; opening in the same order never deadlocks.
      this.reqFd = fs.openSync(req, 'w');
      this.repFd = fs.openSync(rep, 'r');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const hello = this.read();
    this.workerPid = hello.type === MSG.HELLO ? hello.u32() : 0;
    if (this.workerPid === 0) throw new LayerCrash(`the layer host did not start (${this.deadReason ?? 'no hello'})`);
  }

  call(msg: Buffer, onEnv: (req: Reader) => Buffer | undefined): number {
    if (this.deadReason !== undefined) throw new LayerCrash(this.deadReason);
    this.write(msg);
    for (;;) {
      const m = this.read();
      if (m.type === MSG.DONE) return m.u32();
      if (m.type === MSG.DIED) {
        const signal = m.u32();
        const code = m.u32();
        this.deadReason = describeDeath(signal, code, this.options.budgetMs);
        throw new LayerCrash(this.deadReason);
      }
      let reply: Buffer | undefined;
      try {
        reply = onEnv(m);
      } catch (err) {
        // rdmacheck itself stopped the call (e.g. the event limit): the layer cannot be unwound,
        // so its process ends here; its instances are gone with it.
        this.abort();
        throw err;
      }
      if (reply) this.write(reply);
    }
  }

  close(): void {
    if (this.deadReason === undefined) this.deadReason = 'closed';
    for (const fd of [this.reqFd, this.repFd]) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
  }

  private abort(): void {
    try {
      process.kill(this.workerPid, 'SIGKILL');
      while (this.read().type !== MSG.DIED) {
        // drain what the layer sent before it was killed
      }
    } catch {
      // the process is gone already
    }
    this.deadReason = 'stopped by rdmacheck in the middle of a callback';
    this.close();
  }

  private write(msg: Buffer): void {
    const framed = Buffer.allocUnsafe(4 + msg.length);
    framed.writeUInt32LE(msg.length, 0);
    msg.copy(framed, 4);
    let at = 0;
    try {
      while (at < framed.length) at += fs.writeSync(this.reqFd, framed, at, framed.length - at);
    } catch (err) {
      // EPIPE: the worker is dead; its supervisor's DIED message is waiting to be read.
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
    }
  }

  private read(): Reader {
    this.readFully(this.header, 4);
    const n = this.header.readUInt32LE(0);
    if (n > this.body.length) this.body = Buffer.alloc(Math.max(n, this.body.length * 2));
    this.readFully(this.body, n);
    return new Reader(Buffer.from(this.body.subarray(0, n)));
  }

  private readFully(buf: Buffer, n: number): void {
    let at = 0;
    while (at < n) {
      const got = fs.readSync(this.repFd, buf, at, n - at, null);
      if (got === 0) {
        this.deadReason = this.deadReason ?? 'the layer host exited without a word';
        throw new LayerCrash(this.deadReason);
      }
      at += got;
    }
  }
}
