/**
 * The wire between the fabric and the C library (adapters/fabric/libibverbs/rpc.c): a request
 * is a line of space-separated fields, then as many raw bytes as its kind says; an answer is a
 * line ("ok ..." or "err <errno>"), then the raw blocks it announces. docs/fabric.md lists them.
 */
import type { Socket } from 'node:net';

/** One request from a program. */
export interface Request {
  verb: string;
  fields: string[];
  data: Buffer;
}

/** How many raw bytes follow a request line: post_send carries its gathered payload. */
function payloadLength(fields: string[]): number {
  if (fields[0] === 'post_send') return Number(fields[12] ?? 0);
  return 0;
}

/** Splits a socket's byte stream into requests, in order. */
export class RequestReader {
  private buffered: Buffer = Buffer.alloc(0);

  /** Feeds received bytes; returns the requests they complete. */
  push(chunk: Buffer): Request[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const out: Request[] = [];
    for (;;) {
      const nl = this.buffered.indexOf(10);
      if (nl < 0) break;
      const fields = this.buffered.subarray(0, nl).toString('latin1').split(' ');
      const need = payloadLength(fields);
      if (this.buffered.length < nl + 1 + need) break;
      const data = Buffer.from(this.buffered.subarray(nl + 1, nl + 1 + need));
      this.buffered = this.buffered.subarray(nl + 1 + need);
      out.push({ verb: fields[0], fields: fields.slice(1), data });
    }
    return out;
  }
}

/** An errno value the library sets (Linux numbering). */
export const ERRNO = { ENOENT: 2, EIO: 5, EAGAIN: 11, ENOMEM: 12, EBUSY: 16, EINVAL: 22, EOPNOTSUPP: 95 } as const;

/** An answer: its line (without newline) and the raw blocks that follow it. */
export interface Answer {
  line: string;
  blocks?: Buffer[];
}

/** An "ok" answer with fields. */
export function ok(...fields: (string | number | bigint)[]): Answer {
  return { line: ['ok', ...fields].join(' ') };
}

/** An "err" answer: the library returns -1 / NULL with this errno. */
export function err(errno: number): Answer {
  return { line: `err ${errno}` };
}

/** Writes an answer to the program's socket. */
export function send(socket: Socket, answer: Answer): void {
  const parts = [Buffer.from(`${answer.line}\n`, 'latin1'), ...(answer.blocks ?? [])];
  socket.write(parts.length === 1 ? parts[0] : Buffer.concat(parts));
}
