/**
 * One host of a native run (the driver's A or the agent's B), assembled from its parts: the path
 * resources and reconnects (paths.ts), the poller (poller.ts), the application workload
 * (application.ts), the memory scan (memory.ts) and the LayerEnv its layer instance runs on
 * (env.ts). This file owns what they share: the clock, the recorder, the layer instance and the
 * timers. Every env call is recorded, exactly as the simulator records it.
 */
import type { ContractEnv } from '../../src/core/env/contract';
import { copyControl } from '../../src/core/env/rules';
import { describeError } from '../../src/core/errors';
import type { LayerEnv, LayerInstance } from '../../src/core/layer';
import type { LayerHost, RecvWr, SendWr } from '../../src/core/verbs';
import { DEFAULT_CONFIG } from '../../src/core/scenario';
import { isObservation } from '../../src/core/trace';
import type { TraceEvent } from '../../src/core/trace';
import { HostApplication } from './application';
import type { VerbsAddon } from './binding';
import type { EndpointInfo, NativePathOptions, NewEvent, WireConfig } from './config';
import { makeEnv } from './env';
import type { EnvRuntime } from './env';
import type { HostContext, HostSink } from './hostContext';
import { ScannedMemory } from './memory';
import { HostPaths } from './paths';
import { HostPoller } from './poller';

export type { HostSink, NicWrite, Outcome } from './hostContext';

/** Thrown past the work budget to unwind a looping layer; caught by callLayer, never seen by the layer's caller. */
const WORK_BUDGET = new Error('rdmacheck: the layer work budget is spent');

/** Options of a host runtime. */
export interface HostOptions {
  host: LayerHost;
  addon: VerbsAddon;
  paths: NativePathOptions[];
  config: WireConfig;
  sink: HostSink;
  /** Layer timers are scaled by this factor on real time (default 1). */
  timerScale?: number;
}

/** One host's side of a native run. */
export class HostRuntime implements HostContext, EnvRuntime {
  readonly host: LayerHost;
  readonly memoryBuffer: ArrayBuffer;
  readonly memory: BigInt64Array;
  readonly paths: HostPaths;
  private readonly mem: ScannedMemory;
  private readonly app: HostApplication;
  private readonly poller: HostPoller;
  private startNs = process.hrtime.bigint();
  private readonly timers = new Set<NodeJS.Timeout>();
  instance?: LayerInstance;
  /** The LayerEnv under the contract (the application tells it what it posts). */
  private readonly contract: ContractEnv;
  readonly env: LayerEnv;

  constructor(readonly options: HostOptions) {
    const o = options;
    this.host = o.host;
    this.mem = new ScannedMemory(
      o.config.memoryWords,
      o.host,
      () => this.now(),
      o.sink,
      () => this.app.checkWatches(),
    );
    this.memoryBuffer = this.mem.buffer;
    this.memory = this.mem.words;
    if (o.paths.length < o.config.paths) {
      throw new Error(
        `native: host ${o.host} has ${o.paths.length} devices configured but the scenario needs ${o.config.paths} paths`,
      );
    }
    this.paths = new HostPaths(this, o.addon, o.paths.slice(0, o.config.paths), o.config, o.sink);
    this.contract = makeEnv(this);
    this.env = this.contract.env;
    this.app = new HostApplication(this, this.mem, this.contract);
    this.poller = new HostPoller(this, this.paths);
  }

  /** Moves this host's time origin to now (the instant the layer instances are created); returns the shift in ns. */
  rebaseClock(): number {
    const shift = process.hrtime.bigint() - this.startNs;
    this.startNs += shift;
    return Number(shift);
  }

  /** Nanoseconds since this host's run started. */
  now(): number {
    return Number(process.hrtime.bigint() - this.startNs);
  }

  // ------------------------------------------------------------------ resources and connection

  /** Opens every path's device, PD, CQ, MRs and QP (left in INIT); returns what the peer needs. */
  open(): EndpointInfo[] {
    return this.paths.open(this.memoryBuffer);
  }

  /** Connects every path to the peer's endpoints (both ends call this once, after open()). */
  connect(peers: EndpointInfo[]): void {
    this.paths.connect(peers);
  }

  /** Creates this host's layer instance (LayerFault when create throws). */
  createInstance(create: (env: LayerEnv) => LayerInstance, atT?: number): void {
    // Decisions made in create() belong to the run's first instant on both hosts.
    this.handlerT = atT ?? this.now();
    this.during = 'create';
    try {
      this.chargeLayer();
      this.instance = create(this.env);
    } catch (err) {
      if (err !== WORK_BUDGET) this.layerFault('create', `threw ${describeError(err)}`);
    } finally {
      this.handlerT = undefined;
    }
  }

  /** Releases every resource (QPs first: see handles.h) and cancels layer timers. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.paths.close();
  }

  // ------------------------------------------------------------------ recording

  /**
   * While a layer callback runs, every event is stamped with the time of the observation that
   * triggered it (and env.now() answers that time): a handler is instantaneous, as in the
   * simulator, so replaying the observations reproduces the decisions' times too.
   */
  handlerT: number | undefined;
  private observationT = 0;

  /** Records a trace event (see handlerT for its time). */
  record(e: NewEvent): void {
    const t = this.handlerT ?? this.now();
    if (isObservation(e as TraceEvent)) this.observationT = t;
    this.options.sink.record(e, t);
  }

  /** Records a LayerFault of this host's layer. */
  layerFault(during: string, reason: string): void {
    this.record({ kind: 'LayerFault', host: this.host, during, reason });
  }

  /**
   * Calls into the layer instance; an exception becomes a LayerFault, never a crash. Each call is
   * charged to the work budget; once the budget is spent the layer is called no more.
   */
  callLayer(during: string, fn: (inst: LayerInstance) => void): void {
    if (!this.instance || this.workBudgetSpent) return;
    const outer = this.handlerT;
    this.handlerT = outer ?? this.observationT;
    const outerDuring = this.during;
    this.during = during;
    try {
      this.chargeLayer();
      fn(this.instance);
    } catch (err) {
      if (err !== WORK_BUDGET) this.layerFault(during, `threw ${describeError(err)}`);
      else if (outer !== undefined) throw err; // a nested call: unwind to the outermost one
    } finally {
      this.handlerT = outer;
      this.during = outerDuring;
    }
  }

  // ------------------------------------------------------------------ the work budget

  private layerSteps = 0;
  private during = 'create';
  /** True once the layer exceeded its work budget: the run should end with reason 'work-budget'. */
  workBudgetSpent = false;

  /**
   * Charges one step (a callback or an env call) of this host's layer work budget, config
   * maxLayerSteps per run and host (the simulator's one budget covers both layers: here each host
   * runs in its own process). Past the budget: a LayerFault naming the limit, and a throw that
   * unwinds the layer's loop to callLayer (hot path: a counter and a comparison).
   */
  chargeLayer(): void {
    if (++this.layerSteps <= (this.options.config.maxLayerSteps ?? DEFAULT_CONFIG.maxLayerSteps)) return;
    if (!this.workBudgetSpent) {
      this.workBudgetSpent = true;
      this.layerFault(
        this.during,
        `exceeded the work budget of ${this.options.config.maxLayerSteps ?? DEFAULT_CONFIG.maxLayerSteps} steps per run ` +
          `(maxLayerSteps: callbacks and env calls charged to the layer): it loops or works without bound; if the ` +
          `scenario needs more, raise maxLayerSteps`,
      );
    }
    throw WORK_BUDGET;
  }

  // ------------------------------------------------------------------ the application

  /** The application posts a send WR through the layer. */
  appPostSend(wr: SendWr): void {
    this.app.postSend(wr);
  }

  /** The application posts a RECV through the layer. */
  appPostRecv(wr: RecvWr): void {
    this.app.postRecv(wr);
  }

  /** The receiver application waits for `expect` at `addr`, consumes it and writes `value` (T2). */
  addReuse(addr: number, expect: number, value: number, appDelayNs: number): void {
    this.app.addReuse(addr, expect, value, appDelayNs);
  }

  /** A third party's operation on this host's memory (the agent's CPU stands in for host C). */
  thirdParty(
    op: 'WRITE' | 'FETCH_ADD' | 'CMP_SWAP',
    args: { addr: number; value?: number; add?: number; compare?: number; swap?: number },
  ): void {
    this.app.thirdParty(op, args);
  }

  // ------------------------------------------------------------------ memory

  /** The word at `addr` as a number. */
  word(addr: number): number {
    return this.mem.word(addr);
  }

  /** A CPU write: reported NIC changes first, so the write is never mistaken for a remote one. */
  setWord(addr: number, value: number): void {
    this.mem.setWord(addr, value);
  }

  /** Reports every word the NIC changed since the last scan. */
  scanMemory(): void {
    this.mem.scan();
  }

  /** Final memory as numbers. */
  memoryWords(): number[] {
    return this.mem.finalWords();
  }

  // ------------------------------------------------------------------ timers

  /** Runs `fn` after `delayNs` of real time; busy() stays true until it has run. */
  later(delayNs: number, fn: () => void): void {
    const ms = Math.max(0, delayNs / 1e6);
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  // ------------------------------------------------------------------ the poll loop

  /** One pass: async events, completions, memory changes, receiver-application watches. */
  tick(): void {
    this.poller.poll();
    this.scanMemory();
    this.app.checkWatches();
  }

  /** True while this host still has work in flight (WRs, timers). */
  busy(): boolean {
    if (this.timers.size > 0) return true;
    return this.paths.busy();
  }

  // ------------------------------------------------------------------ the peer and faults

  /** Forces this host's QP of `path` to ERR (fault qp-error): its queues flush. */
  forceError(path: number): void {
    this.paths.forceError(path, 'fault: qp-error');
  }

  /** Outcomes of WRs still outstanding at the end of the run. */
  flushOutcomes(): void {
    this.paths.flushOutcomes();
  }

  /** Hooks the driver sets (fault anchors that must act before a WR reaches the NIC). */
  hooks: { beforePost?: (host: LayerHost, path: number, wr: SendWr) => void } = {};

  /** A control message from the peer's layer arrived. */
  deliverControl(msg: unknown): void {
    this.record({ kind: 'ControlReceived', host: this.host, obs: this.host, msg });
    this.callLayer('onControl', (l) => l.onControl?.(copyControl(msg)));
  }
}
