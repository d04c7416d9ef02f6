/**
 * The fabric's socket: each program's library connects once ("hello <host> <pid>") and then
 * sends one verb at a time. A program that disconnects (it exited) is gone: its QPs go back to
 * RESET at the next barrier, as a NIC drops the QPs of a process that died.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Fabric } from './fabric';
import type { Host } from './host';
import { ERRNO, RequestReader, err, ok, send } from './protocol';
import { handleVerb } from './verbs';

/** Listens on the unix socket `path`; resolves once listening. */
export function serveFabric(fabric: Fabric, path: string): Promise<Server> {
  const server = createServer((socket) => attach(fabric, socket));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

function attach(fabric: Fabric, socket: Socket): void {
  const reader = new RequestReader();
  let host: Host | undefined;
  const reply = (answer: Parameters<typeof send>[1]): void => {
    if (!socket.destroyed) send(socket, answer);
  };
  socket.on('data', (chunk: Buffer) => {
    for (const req of reader.push(chunk)) {
      if (!host) {
        const claimed = req.verb === 'hello' ? fabric.hosts[req.fields[0] === 'B' ? 'B' : 'A'] : undefined;
        if (!claimed || (claimed.connected && !claimed.gone)) {
          reply(err(ERRNO.EBUSY));
          continue;
        }
        host = claimed;
        host.pid = Number(req.fields[1]);
        host.socket = socket;
        host.connected = true;
        host.gone = false;
        host.lastCallMs = Date.now();
        reply(ok());
        continue;
      }
      try {
        handleVerb(fabric, host, req, reply);
      } catch (e) {
        process.stderr.write(`rdmacheck fabric: ${req.verb} from ${host.name} failed: ${(e as Error).stack}\n`);
        reply(err(ERRNO.EIO));
      }
    }
  });
  const leave = (): void => {
    if (host) fabric.hostLeft(host);
  };
  socket.on('close', leave);
  socket.on('error', leave);
}
