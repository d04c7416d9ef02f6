/**
 * The responder-side agent (`rdmacheck agent`): serves native runs for a driver on another host,
 * like perftest's server. Per connection it opens host B's RDMA resources, exchanges QP numbers,
 * GIDs and rkeys, runs B's layer instance and B's application (RECVs, consume/reuse, third-party
 * operations), injects B-side faults, streams B's events back and reports B's memory at the end.
 */
import * as net from 'net';
import type { WorkloadStep } from '../../src/core/scenario';
import { availability, requireAddon } from './binding';
import type { EndpointInfo, NativePathOptions, WireConfig } from './config';
import { NetControl } from './faults';
import { HostRuntime } from './host';
import type { LayerRef } from './layerRef';
import { loadLayer } from './layerRef';
import type { WireMessage } from './wire';
import { Channel, errorText } from './wire';

/** Options of runAgent. */
export interface AgentOptions {
  /** TCP port to listen on (0 picks a free one). */
  port: number;
  /** Address to bind (default all interfaces). */
  host?: string;
  /** B's NIC per path, e.g. [{ device: 'rxe0', netdev: 'eth0' }, { device: 'rxe1', netdev: 'eth1' }]. */
  paths: NativePathOptions[];
  /** Poll period of CQs, async events and memory in ms (default 1). */
  pollIntervalMs?: number;
  /** Serve one run, then stop (default false: serve until close() or a 'shutdown' message). */
  once?: boolean;
  /** Where progress lines go (default console.error; pass () => {} for silence). */
  log?: (line: string) => void;
}

/** A running agent. */
export interface AgentHandle {
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening and ends the current session. */
  close(): Promise<void>;
  /** Resolves when the agent has stopped. */
  readonly closed: Promise<void>;
}

/** Starts the agent; resolves once it listens. Throws when the native backend is unavailable. */
export async function runAgent(options: AgentOptions): Promise<AgentHandle> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new TypeError('runAgent: port must be an integer in 0..65535');
  }
  if (
    !Array.isArray(options.paths) ||
    options.paths.length === 0 ||
    options.paths.some((p) => typeof p?.device !== 'string')
  ) {
    throw new TypeError("runAgent: paths must list B's devices, e.g. [{ device: 'rxe0', netdev: 'eth0' }]");
  }
  const avail = availability({ devices: options.paths.map((p) => p.device) });
  if (!avail.ok) throw new Error(`runAgent: the native ibverbs backend is unavailable: ${avail.reason}`);
  const log = options.log ?? ((line: string) => console.error(line));
  const sessions = new Set<Channel>();
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const server = net.createServer((socket) => {
    const ch = new Channel(socket);
    sessions.add(ch);
    const session = new Session(ch, options, log);
    ch.onMessage = (m) => {
      if (m.type === 'shutdown') {
        setImmediate(() => void handle.close());
        return {};
      }
      // One run at a time owns B's devices: a new setup ends every other session first. A driver
      // that went away may not have been noticed yet (its close still queued behind this message,
      // or a half-open connection from a host that vanished): its resources must not stand in
      // the way of the next driver.
      if (m.type === 'setup') for (const other of sessions) if (other !== ch) other.close('superseded by a new driver');
      return session.onMessage(m);
    };
    ch.onClose = (reason) => {
      sessions.delete(ch);
      session.end();
      log(`agent: session ended (${reason})`);
      if (options.once) void handle.close();
    };
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  log(`agent: listening on ${options.host ?? '*'}:${port} with ${options.paths.map((p) => p.device).join(', ')}`);
  let closing: Promise<void> | undefined;
  const handle: AgentHandle = {
    port,
    closed,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const ch of sessions) ch.close('agent closed');
        server.close(() => {
          resolveClosed();
          resolve();
        });
      });
      return closing;
    },
  };
  return handle;
}

/** One native run served to one driver. */
class Session {
  private runtime?: HostRuntime;
  private poller?: NodeJS.Timeout;
  private readonly net = new NetControl();
  private appDelayNs = 0;

  constructor(
    private readonly ch: Channel,
    private readonly options: AgentOptions,
    private readonly log: (line: string) => void,
  ) {}

  onMessage(m: WireMessage): unknown {
    switch (m.type) {
      case 'setup':
        return this.setup(
          m.config as WireConfig,
          m.peer as EndpointInfo[],
          m.layer as LayerRef,
          Number(m.appDelayNs ?? 0),
          Number(m.timerScale ?? 1),
        );
      case 'ping':
        return { now: this.rt().now() };
      case 'start': {
        const layer = loadLayer(this.layerRef!);
        this.rt().createInstance((env) => layer.create(env), m.atT === undefined ? undefined : Number(m.atT));
        return {};
      }
      case 'step':
        this.step(m.step as WorkloadStep);
        return {}; // the driver waits for this before its next step (workload order)
      case 'control':
        this.rt().deliverControl(m.msg);
        return {};
      case 'fault':
        return this.fault(String(m.action), Number(m.path));
      case 'status':
        this.rt().tick();
        return { busy: this.rt().busy(), workBudgetSpent: this.rt().workBudgetSpent };
      case 'finish':
        return this.finish();
      default:
        throw new Error(`agent: unknown message '${m.type}'`);
    }
  }

  private layerRef?: LayerRef;

  private rt(): HostRuntime {
    if (!this.runtime) throw new Error('agent: no run set up on this connection; send setup first');
    return this.runtime;
  }

  private setup(
    config: WireConfig,
    peer: EndpointInfo[],
    layer: LayerRef,
    appDelayNs: number,
    timerScale: number,
  ): { endpoints: EndpointInfo[] } {
    this.end();
    this.layerRef = layer;
    loadLayer(layer); // fail the setup, not the start, when the agent cannot load the layer
    this.appDelayNs = appDelayNs;
    const ch = this.ch;
    this.runtime = new HostRuntime({
      host: 'B',
      addon: requireAddon('agent'),
      paths: this.options.paths,
      config,
      timerScale,
      sink: {
        record: (e, t) => ch.send({ type: 'event', e, t }),
        outcome: (outcome) => ch.send({ type: 'outcome', outcome }),
        nicWrite: (write) => ch.send({ type: 'nicWrite', write }),
        control: (msg) => ch.send({ type: 'control', msg }),
      },
    });
    const endpoints = this.runtime.open();
    this.runtime.connect(peer);
    const period = this.options.pollIntervalMs ?? 1;
    this.poller = setInterval(() => this.runtime?.tick(), period);
    this.log(`agent: run set up, ${config.paths} paths, layer ${layer.export}`);
    return { endpoints };
  }

  private step(step: WorkloadStep): void {
    const rt = this.rt();
    switch (step.kind) {
      case 'post':
        return rt.appPostSend(step.wr);
      case 'recv':
        return rt.appPostRecv(step.wr);
      case 'reuse':
        return rt.addReuse(step.addr, step.expect, step.value, this.appDelayNs);
      case 'third': {
        const { kind: _k, after: _a, op, ...args } = step;
        return rt.thirdParty(op, args);
      }
    }
  }

  private fault(action: string, path: number): object {
    const dev = this.options.paths[path]?.netdev;
    if (action === 'qp-error') this.rt().forceError(path);
    else if (!dev) throw new Error(`agent: path ${path} has no netdev configured for link faults`);
    else if (action === 'link-down') this.net.linkDown(dev);
    else if (action === 'link-up') this.net.linkUp(dev);
    else throw new Error(`agent: unknown fault action '${action}'`);
    return {};
  }

  private finish(): { memory: number[] } {
    const rt = this.rt();
    rt.tick();
    rt.flushOutcomes();
    const memory = rt.memoryWords();
    this.end();
    return { memory };
  }

  /** Stops polling, undoes faults and releases B's resources. */
  end(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    try {
      this.net.restore();
    } catch (err) {
      this.log(`agent: restoring the network failed: ${errorText(err)}`);
    }
    this.runtime?.close();
    this.runtime = undefined;
  }
}
