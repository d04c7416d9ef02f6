/**
 * Host A of test/native/agent-disconnect.test.ts, run on the fabric with `rdmacheck agent` as
 * host B: a driver sets up a run on the agent through the wire protocol, starts it, posts, and
 * drops its connection mid-run; a second one does the same but falls silent with its connection
 * open; then a third runs a whole scenario with the native adapter against the same agent; then
 * the agent is told to shut down. Prints one JSON line.
 *
 *   node -r ts-node/register/transpile-only test/native/fabric/disconnecting-drivers.ts PORT
 */
import * as net from 'net';
import { native } from '../../../adapters/native';
import { requireAddon } from '../../../adapters/native/binding';
import type { EndpointInfo } from '../../../adapters/native/config';
import { wireConfig } from '../../../adapters/native/config';
import { HostRuntime } from '../../../adapters/native/host';
import { findLayerRef } from '../../../adapters/native/layerRef';
import { Channel } from '../../../adapters/native/wire';
import { resolveConfig } from '../../../src/core/scenario';
import type { Scenario } from '../../../src/core/scenario';
import { passThrough } from '../../../src/layers/passThrough';

const port = Number(process.argv[2]);
// The fabric's GID table has one entry (index 0); rxe's RoCE v2 GID is at index 1, the default.
const PATHS = [{ device: 'rdmacheck0', gidIndex: 0 }];
const scenario: Scenario = {
  config: { paths: 1, memoryWords: 4 },
  workload: [
    { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 7 } },
    { kind: 'post', wr: { id: 2, opcode: 'WRITE', addr: 1, value: 8 } },
  ],
  faults: [],
};

/** Connects to the agent, retrying while it starts (it is host B, started after this host). */
async function connect(): Promise<Channel> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const socket = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      });
      return new Channel(socket);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * A driver that goes away mid-run: it sets up a run on the agent, starts it and posts, then either
 * drops its connection ('drop') or falls silent with the connection open ('silent', like a host
 * that vanished: the agent cannot tell until another driver arrives). Returns what it did.
 */
async function abandonRun(how: 'drop' | 'silent'): Promise<string> {
  const ch = await connect();
  const config = wireConfig(resolveConfig(scenario), {});
  const rt = new HostRuntime({
    host: 'A',
    addon: requireAddon('disconnecting-drivers'),
    paths: PATHS,
    config,
    sink: { record: () => undefined, outcome: () => undefined, nicWrite: () => undefined, control: () => undefined },
  });
  try {
    const endpoints = rt.open();
    const setup = await ch.request({
      type: 'setup',
      config,
      peer: endpoints,
      layer: findLayerRef(passThrough),
      appDelayNs: 0,
      timerScale: 1,
    });
    rt.connect(setup.endpoints as EndpointInfo[]);
    await ch.request({ type: 'start', atT: 0 });
    await ch.request({ type: 'step', step: { kind: 'recv', wr: { id: 9 } } });
    rt.createInstance((env) => passThrough.create(env), 0);
    rt.appPostSend({ id: 1, opcode: 'WRITE', addr: 0, value: 7 });
    void ch.request({ type: 'status' }).catch(() => undefined); // a request in flight as the driver goes
    if (how === 'drop') ch.close('the driver drops its connection mid-run');
    return how === 'drop' ? 'dropped' : 'fell silent';
  } finally {
    rt.close();
    // The fabric reuses a path's QP number and every run starts at PSN 0: packets of the
    // abandoned QPs still in flight would reach their successors (real NICs do not reuse a QPN
    // at once). Let them drain.
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<void> {
  requireAddon('disconnecting-drivers').getDevices(); // reach the fabric first: the agent starts after
  const first = [await abandonRun('drop'), await abandonRun('silent')];
  const adapter = native({ agent: { host: '127.0.0.1', port }, paths: PATHS, livenessMs: 20_000, settleMs: 200 });
  const second = await adapter.run(scenario, passThrough);
  const end = second.trace[second.trace.length - 1];
  const bye = await connect();
  await bye.request({ type: 'shutdown' }).catch(() => undefined);
  bye.close();
  process.stdout.write(
    JSON.stringify({
      first,
      second: {
        reason: second.end.reason,
        memoryB: second.end.memory.B,
        kinds: [...new Set(second.trace.map((e) => e.kind))],
        last: end.kind,
        completions: second.trace.flatMap((e) => (e.kind === 'Completion' ? [e.wc.status] : [])),
        states: second.trace.flatMap((e) => (e.kind === 'QpState' ? [JSON.stringify(e)] : [])),
      },
    }) + '\n',
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`disconnecting-drivers: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
