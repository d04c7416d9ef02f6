/**
 * Host A of test/native/work-budget-run.test.ts, on the fabric with `rdmacheck agent` as host B:
 * runs the looping layers of ./loopingLayers through the native adapter with a small work budget
 * and prints, per layer, how the run ended and the LayerFaults it recorded. Then shuts the agent down.
 *
 *   node -r ts-node/register/transpile-only test/native/fabric/budget-runs.ts PORT
 */
import * as net from 'net';
import * as path from 'path';
import { native } from '../../../adapters/native';
import { requireAddon } from '../../../adapters/native/binding';
import { Channel } from '../../../adapters/native/wire';
import type { Scenario } from '../../../src/core/scenario';
import { postsForever, recvLoopsOnB } from './loopingLayers';

const port = Number(process.argv[2]);
const config = { paths: 1, memoryWords: 4, maxLayerSteps: 500 };
/** A's application posts a WRITE; B's posts a RECV. */
const scenarios: Record<string, Scenario> = {
  'posts-forever': {
    config,
    workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } }],
    faults: [],
  },
  'recv-loops-on-b': { config, workload: [{ kind: 'recv', wr: { id: 1 } }], faults: [] },
};

/** Waits until the agent (host B, started after this host) listens. */
async function agentUp(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`budget-runs: no agent on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  requireAddon('budget-runs').getDevices(); // reach the fabric first: the agent starts after
  await agentUp();
  const adapter = native({
    agent: { host: '127.0.0.1', port },
    paths: [{ device: 'rdmacheck0', gidIndex: 0 }],
    layerModules: [path.join(__dirname, 'loopingLayers.ts')],
    livenessMs: 20_000,
    settleMs: 200,
  });
  const out: Record<string, unknown> = {};
  for (const layer of [postsForever, recvLoopsOnB]) {
    const started = Date.now();
    const run = await adapter.run(scenarios[layer.name], layer);
    out[layer.name] = {
      reason: run.end.reason,
      ms: Date.now() - started,
      faults: run.trace.flatMap((e) =>
        e.kind === 'LayerFault' ? [{ host: e.host, during: e.during, reason: e.reason }] : [],
      ),
    };
  }
  const socket = await new Promise<net.Socket>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
  });
  const bye = new Channel(socket);
  await bye.request({ type: 'shutdown' }).catch(() => undefined);
  bye.close();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`budget-runs: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
