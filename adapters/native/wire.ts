/**
 * The harness channel between the driver (requester host) and the agent (responder host): JSON
 * lines over TCP, as perftest's server exchanges QP numbers and GIDs. Requests carry an id and get
 * exactly one reply; other messages are one-way notices (trace events, control messages).
 */
import * as net from 'net';

/** A message on the channel. */
export interface WireMessage {
  type: string;
  /** Set on requests that expect a reply, and echoed on the reply. */
  id?: number;
  /** On a reply: true when it answers request `id`. */
  reply?: boolean;
  error?: string;
  [key: string]: unknown;
}

/** One end of the harness channel. */
export class Channel {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: WireMessage) => void; reject: (e: Error) => void }>();
  private closedReason: string | undefined;
  /** Called for every message that is not a reply. May return a reply body (or a promise of one) for requests. */
  onMessage: (m: WireMessage) => unknown = () => undefined;
  onClose: (reason: string) => void = () => undefined;

  constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('connection closed'));
  }

  /** Sends a one-way message. */
  send(msg: WireMessage): void {
    if (this.closedReason) return;
    this.socket.write(JSON.stringify(msg) + '\n');
  }

  /** Sends a request and resolves to its reply (rejects on an error reply, a timeout or a closed channel). */
  request(msg: WireMessage, timeoutMs = 30_000): Promise<WireMessage> {
    if (this.closedReason) return Promise.reject(new Error(`native: harness channel closed (${this.closedReason})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`native: the agent did not answer '${msg.type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.send({ ...msg, id });
    });
  }

  /** Closes the channel; pending requests fail with `reason`. */
  close(reason = 'closed'): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const p of this.pending.values()) p.reject(new Error(`native: harness channel closed (${reason})`));
    this.pending.clear();
    this.socket.end();
    this.socket.destroy();
    this.onClose(reason);
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim() === '') continue;
      let msg: WireMessage;
      try {
        msg = JSON.parse(line) as WireMessage;
      } catch {
        this.close(`malformed line from peer: ${line.slice(0, 80)}`);
        return;
      }
      this.dispatch(msg);
    }
  }

  private dispatch(msg: WireMessage): void {
    if (msg.reply && msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg);
      return;
    }
    const id = msg.id;
    let result: unknown;
    try {
      result = this.onMessage(msg);
    } catch (err) {
      if (id !== undefined) this.send({ type: msg.type, id, reply: true, error: errorText(err) });
      return;
    }
    if (id === undefined) return;
    Promise.resolve(result).then(
      (body) => this.send({ ...(body as object), type: msg.type, id, reply: true }),
      (err) => this.send({ type: msg.type, id, reply: true, error: errorText(err) }),
    );
  }
}

/** Connects to host:port, retrying while the agent starts (ECONNREFUSED) until `timeoutMs`. */
export async function connect(host: string, port: number, timeoutMs: number): Promise<Channel> {
  const deadline = process.hrtime.bigint() + BigInt(timeoutMs) * 1_000_000n;
  for (;;) {
    try {
      const socket = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect({ host, port });
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      });
      return new Channel(socket);
    } catch (err) {
      if (process.hrtime.bigint() > deadline) {
        throw new Error(
          `native: cannot reach the agent at ${host}:${port} (${errorText(err)}); start it with runAgent / rdmacheck agent`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** An error as one line. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
