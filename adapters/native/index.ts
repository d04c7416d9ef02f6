/**
 * The native adapter: the same layers and properties on real RDMA verbs (libibverbs through the
 * node-addon-api binding in src/). Host A runs in this process; host B in an agent on the
 * responder host (runAgent / `rdmacheck agent`), reached over TCP.
 *
 *   const adapter = native({ agent: { host: '10.1.0.2', port: 18600 },
 *     paths: [{ device: 'rxe0', netdev: 'eth0' }, { device: 'rxe1', netdev: 'eth1' }] });
 *   const run = await runScenario(scenario, layers.failStop, { adapter });
 */
import type { Adapter, AdapterCapabilities, Execution } from '../../src/core/execution';
import type { FailoverLayer } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import type { Availability } from './binding';
import { availability, requireAddon } from './binding';
import type { NativePathOptions, QpOverrides } from './config';
import { refuseUnrunnable, runNative } from './driver';
import { NATIVE_FAULTS } from './faults';
import { findLayerRef } from './layerRef';
import { connect } from './wire';

export { runAgent } from './agent';
export type { AgentHandle, AgentOptions } from './agent';
export type { Availability } from './binding';
export type { NativePathOptions, QpOverrides } from './config';
export { NATIVE_FAULTS } from './faults';

/** Options of the native adapter. */
export interface NativeOptions extends QpOverrides {
  /** Where the agent listens (the responder host). */
  agent: { host: string; port: number };
  /** Host A's NIC per path; path i joins A's paths[i] with the agent's paths[i]. */
  paths: NativePathOptions[];
  /** Modules the agent can load the layer from (absolute paths); rdmacheck's own layers are always tried. */
  layerModules?: string[];
  /** A run ends this long (ms) after the last fault or application step (default 5000). */
  livenessMs?: number;
  /** Quiet time (ms) that makes a run quiescent (default 150). */
  settleMs?: number;
  /** Poll period (ms) of CQs, async events and memory (default 1). */
  pollIntervalMs?: number;
  /**
   * Factor from scenario time to real time for fault windows, 'at' anchors, layer timers and the
   * receiver app's delay. Default 'auto': the real retransmission timer over the scenario's
   * (rxe never waits less than a jiffy), so a simulator counterexample keeps its meaning.
   */
  timeScale?: number | 'auto';
  /** How long to wait for the agent to accept the connection (ms, default 30000). */
  connectTimeoutMs?: number;
  /** A name for reports (default 'native'). */
  name?: string;
}

const CAPABILITIES: AdapterCapabilities = {
  observesExecution: 'inferred',
  // Real NICs and a wall clock: two runs of one scenario may differ in timing and retries.
  deterministic: false,
  faults: NATIVE_FAULTS,
};

function checkOptions(options: NativeOptions): void {
  if (!options || typeof options !== 'object')
    throw new TypeError('native: pass options { agent: { host, port }, paths: [{ device }] }');
  const a = options.agent;
  if (!a || typeof a.host !== 'string' || !Number.isInteger(a.port) || a.port <= 0 || a.port > 65535) {
    throw new TypeError('native: agent must be { host: string, port: 1..65535 } (where runAgent listens)');
  }
  if (
    !Array.isArray(options.paths) ||
    options.paths.length === 0 ||
    options.paths.some((p) => typeof p?.device !== 'string')
  ) {
    throw new TypeError("native: paths must list A's devices, e.g. [{ device: 'rxe0', netdev: 'eth0' }]");
  }
  if (
    options.timeScale !== undefined &&
    options.timeScale !== 'auto' &&
    !(typeof options.timeScale === 'number' && options.timeScale > 0)
  ) {
    throw new TypeError("native: timeScale must be 'auto' or a positive number");
  }
  for (const key of ['livenessMs', 'settleMs', 'pollIntervalMs', 'connectTimeoutMs'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0))
      throw new TypeError(`native: ${key} must be a positive number`);
  }
  if (
    options.retryCnt !== undefined &&
    !(Number.isInteger(options.retryCnt) && options.retryCnt >= 0 && options.retryCnt <= 6)
  ) {
    throw new TypeError('native: retryCnt must be an integer in 0..6 (rdma_rxe treats 7 as retry forever)');
  }
  if (
    options.timeout !== undefined &&
    !(Number.isInteger(options.timeout) && options.timeout >= 1 && options.timeout <= 31)
  ) {
    throw new TypeError('native: timeout must be an integer in 1..31 (the IB local ACK timeout exponent)');
  }
}

/** The native ibverbs adapter. Throws a TypeError on bad options; runs reject when the backend is unavailable. */
export function native(options: NativeOptions): Adapter {
  checkOptions(options);
  const adapter: Adapter = {
    name: options.name ?? 'native',
    capabilities: CAPABILITIES,
    async run(scenario: Scenario, layer: FailoverLayer): Promise<Execution> {
      const avail = availability({ devices: options.paths.map((p) => p.device) });
      if (!avail.ok) throw new Error(`native.run: the native ibverbs backend is unavailable: ${avail.reason}`);
      const overrides = { timeout: options.timeout, retryCnt: options.retryCnt };
      refuseUnrunnable(scenario, overrides); // before connecting: a refusal needs no agent
      const layerRef = findLayerRef(layer, options.layerModules);
      const channel = await connect(options.agent.host, options.agent.port, options.connectTimeoutMs ?? 30_000);
      try {
        return await runNative(scenario, layer, {
          adapter,
          addon: requireAddon('native.run'),
          channel,
          paths: options.paths,
          layerRef,
          overrides,
          limits: {
            livenessMs: options.livenessMs ?? 5000,
            settleMs: options.settleMs ?? 150,
            pollIntervalMs: options.pollIntervalMs ?? 1,
            timeScale: options.timeScale ?? 'auto',
          },
        });
      } finally {
        channel.close('run finished');
      }
    },
  };
  return adapter;
}

/** Whether the native backend can run here ({ ok: false, reason } names the cause). */
native.available = (options: { devices?: string[] } = {}): Availability => availability(options);
