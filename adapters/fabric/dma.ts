/**
 * The NIC's DMA at the responder: what a request does to the target program's registered
 * memory, with the checks a responder makes (the rkey's region, its range and access, the
 * RECV's buffers). Reads and writes go to /proc/<pid>/mem while the program runs, as a NIC's
 * DMA does (the library lets the fabric do so: PR_SET_PTRACER in its constructor; the fabric
 * runs as the programs' user). A SEND's bytes reach the RECV's buffers with its completion.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { ExternalEffect, ResponderMemory } from '../sim/external';
import type { LayerHost, RecvWr, SendWr, WcStatus } from '../../src/core/verbs';
import type { Host, MemoryRegion, PostedSend, Sge } from './host';
import { ACCESS } from './numbers';

/** Bytes a completion places in the program's memory, by a handle the simulator carries. */
export interface Placement {
  data: Buffer;
  byteLen: number;
}

/** Opens /proc/<pid>/mem once per process. */
class ProcMemory {
  private readonly fds = new Map<number, number>();

  read(pid: number, addr: bigint, length: number): Buffer {
    const buf = Buffer.alloc(length);
    if (length > 0) readSync(this.fd(pid), buf, 0, length, Number(addr));
    return buf;
  }

  write(pid: number, addr: bigint, data: Buffer): void {
    if (data.length > 0) writeSync(this.fd(pid), data, 0, data.length, Number(addr));
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private fd(pid: number): number {
    let fd = this.fds.get(pid);
    if (fd === undefined) {
      fd = openSync(`/proc/${pid}/mem`, 'r+');
      this.fds.set(pid, fd);
    }
    return fd;
  }
}

/** The fabric's responder memory: every host's registered regions, reached through its process. */
export class FabricMemory implements ResponderMemory {
  private readonly proc = new ProcMemory();
  /** What each SendWr the fabric posted carries (its bytes, remote address, operands). */
  readonly posts = new WeakMap<SendWr, PostedSend>();
  /** Bytes for a RECV's completion, by `${host}:${recv trace id}`. */
  readonly received = new Map<string, Placement>();
  /** READ data and atomic old values, by the handle the response carries. */
  readonly results = new Map<number, Buffer>();
  private nextHandle = 1;
  /** Why the last DMA failed (for the trace's reader), if it did. */
  lastFailure: string | undefined;

  constructor(private readonly hosts: Record<LayerHost, Host>) {}

  execute(host: LayerHost, path: number, wr: SendWr, recv: RecvWr | undefined): ExternalEffect {
    const target = this.hosts[host];
    const post = this.posts.get(wr);
    if (!post) return { status: 'REM_OP_ERR' };
    const qp = target.qpOnPath(path);
    try {
      if (wr.opcode === 'SEND') return this.receive(target, post.data, post.length, recv);
      const mr = this.region(target, post.rkey, post.remoteAddr, post.length);
      const at = mr ? mr.addr + (post.remoteAddr - mr.iova) : 0n;
      if (wr.opcode === 'WRITE' || wr.opcode === 'WRITE_WITH_IMM') {
        if (!mr || !(mr.access & ACCESS.REMOTE_WRITE) || !(qp && qp.accessFlags & ACCESS.REMOTE_WRITE))
          return { status: 'REM_ACCESS_ERR' };
        this.proc.write(target.pid, at, post.data);
        return wr.opcode === 'WRITE' ? { status: 'SUCCESS' } : this.receive(target, Buffer.alloc(0), post.length, recv);
      }
      if (wr.opcode === 'READ') {
        if (!mr || !(mr.access & ACCESS.REMOTE_READ) || !(qp && qp.accessFlags & ACCESS.REMOTE_READ))
          return { status: 'REM_ACCESS_ERR' };
        return { status: 'SUCCESS', value: this.keep(this.proc.read(target.pid, at, post.length)) };
      }
      // Atomics: 8 bytes, naturally aligned (IBTA o9-21: a misaligned atomic is an invalid request).
      if (post.remoteAddr % 8n !== 0n) return { status: 'REM_INV_REQ_ERR' };
      if (!mr || !(mr.access & ACCESS.REMOTE_ATOMIC) || !(qp && qp.accessFlags & ACCESS.REMOTE_ATOMIC))
        return { status: 'REM_ACCESS_ERR' };
      const old = this.proc.read(target.pid, at, 8);
      const value = old.readBigUInt64LE(0);
      const mask = (1n << 64n) - 1n;
      const next =
        wr.opcode === 'FETCH_ADD' ? (value + post.compareAdd) & mask : value === post.compareAdd ? post.swap : value;
      if (next !== value) {
        const out = Buffer.alloc(8);
        out.writeBigUInt64LE(next, 0);
        this.proc.write(target.pid, at, out);
      }
      return { status: 'SUCCESS', value: this.keep(old) };
    } catch (e) {
      this.lastFailure = `DMA into ${host}'s process ${target.pid} failed: ${(e as Error).message}`;
      return { status: 'REM_OP_ERR' };
    }
  }

  /** A SEND (or WRITE_WITH_IMM, which places no bytes) consumes `recv`: checks its buffers. */
  private receive(target: Host, data: Buffer, length: number, recv: RecvWr | undefined): ExternalEffect {
    const posted = recv ? target.qpsRecv(recv.id) : undefined;
    if (!recv || !posted) return { status: 'REM_OP_ERR' };
    const room = posted.sges.reduce((n, s) => n + s.length, 0);
    if (data.length > room) return { status: 'REM_INV_REQ_ERR', recvStatus: 'LOC_LEN_ERR' };
    if (!this.sgesRegistered(target, posted.sges, data.length))
      return { status: 'REM_OP_ERR', recvStatus: 'LOC_PROT_ERR' as WcStatus };
    this.received.set(`${target.name}:${recv.id}`, { data, byteLen: length });
    return { status: 'SUCCESS' };
  }

  /** Every SGE that will receive some of `bytes` lies in a region of its lkey with local write. */
  private sgesRegistered(target: Host, sges: Sge[], bytes: number): boolean {
    let left = bytes;
    for (const s of sges) {
      if (left <= 0) break;
      const mr = s.lkey === undefined ? undefined : target.mrs.get(s.lkey);
      if (
        !mr ||
        !(mr.access & ACCESS.LOCAL_WRITE) ||
        s.addr < mr.addr ||
        s.addr + BigInt(s.length) > mr.addr + mr.length
      )
        return false;
      left -= s.length;
    }
    return true;
  }

  /** The region of `rkey` holding [addr, addr + length) in its remote (iova) addresses. */
  private region(target: Host, rkey: number, addr: bigint, length: number): MemoryRegion | undefined {
    for (const mr of target.mrs.values()) {
      if (mr.rkey !== rkey) continue;
      if (addr >= mr.iova && addr + BigInt(length) <= mr.iova + mr.length) return mr;
      return undefined;
    }
    return undefined;
  }

  private keep(data: Buffer): number {
    const handle = this.nextHandle++;
    this.results.set(handle, data);
    return handle;
  }

  /** Closes the /proc files. */
  close(): void {
    this.proc.close();
  }
}

/** Splits `data` over `sges` in order: the placements a completion carries. */
export function scatter(sges: Sge[], data: Buffer): { addr: bigint; data: Buffer }[] {
  const out: { addr: bigint; data: Buffer }[] = [];
  let off = 0;
  for (const s of sges) {
    if (off >= data.length) break;
    const n = Math.min(s.length, data.length - off);
    out.push({ addr: s.addr, data: data.subarray(off, off + n) });
    off += n;
  }
  return out;
}
