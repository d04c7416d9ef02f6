/**
 * One native run, on the requester host: host A's runtime in this process, host B's in the agent
 * (over the harness channel). Drives the workload and the faults by their anchors, waits for the
 * run to settle, merges both hosts' events on one clock, adds the inferred network events and
 * returns the Execution.
 */
import type { Adapter, Execution } from '../../src/core/execution';
import type { FailoverLayer } from '../../src/core/layer';
import type { Anchor, Scenario, WorkloadStep } from '../../src/core/scenario';
import { resolveConfig } from '../../src/core/scenario';
import type { EndReason, Trace, TraceEvent } from '../../src/core/trace';
import type { LayerHost } from '../../src/core/verbs';
import { validateScenario } from '../../src/core/validate';
import type { VerbsAddon } from './binding';
import type { EndpointInfo, NativePathOptions, NewEvent, QpOverrides } from './config';
import type { QpOverrides as Overrides } from './config';
import { retryCntRefusal, wireConfig } from './config';
import { FaultInjector } from './faultInjector';
import { unsupportedReason } from './faults';
import { filterAvailability, PacketFilter } from './packetFilter';
import type { NicWrite, Outcome } from './hostContext';
import { HostRuntime } from './host';
import type { Timed } from './infer';
import { inferNetworkEvents } from './infer';
import type { LayerRef } from './layerRef';
import type { Channel, WireMessage } from './wire';
import { sleep, timeScale } from './timing';
import type { RunLimits } from './timing';
export type { RunLimits } from './timing';
export { timeScale } from './timing';

/** Everything one run needs. */
export interface DriverInput {
  adapter: Adapter;
  addon: VerbsAddon;
  channel: Channel;
  paths: NativePathOptions[];
  overrides: QpOverrides;
  limits: RunLimits;
  layerRef: LayerRef;
}

/**
 * Throws when `scenario` cannot run on real verbs as it means (a fault the adapter cannot inject,
 * retry_cnt 7 under nic 'ibta'): called before connecting to the agent.
 */
export function refuseUnrunnable(scenario: Scenario, overrides: Overrides): void {
  validateScenario(scenario);
  const retry = retryCntRefusal(resolveConfig(scenario), overrides);
  if (retry) throw new Error(`native.run: ${retry}`);
  const needsFilter = scenario.faults.some((f) => f.kind === 'drop-request' || f.kind === 'drop-response');
  const exact = needsFilter ? filterAvailability() : { ok: true as const };
  scenario.faults.forEach((f, k) => {
    const why = unsupportedReason(f, exact);
    if (why) throw new Error(`native.run: faults[${k}] (${f.kind}) cannot be injected on real verbs: ${why}`);
  });
}

/** Runs `scenario` against `layer` on real verbs. */
export async function runNative(scenario: Scenario, layer: FailoverLayer, input: DriverInput): Promise<Execution> {
  refuseUnrunnable(scenario, input.overrides);
  const wire = wireConfig(resolveConfig(scenario), input.overrides);
  const d = new Driver(scenario, layer, input, wire.paths);
  try {
    return await d.run(wire);
  } finally {
    d.cleanup();
  }
}

class Driver {
  private readonly timed: Timed[] = [];
  private readonly outcomes: Outcome[] = [];
  private readonly nicWrites: NicWrite[] = [];
  private readonly faults: FaultInjector;
  private readonly waiters: { anchor: Anchor; seen: number; fire: () => void; done: boolean }[] = [];
  private runtime!: HostRuntime;
  private offsetNs = 0;
  private lastActivityNs = 0;
  private lastEventNs = 0;
  private inFlightControl = 0;
  private readonly appSendIds = new Set<number>();
  private finished = false;
  private scale = 1;

  constructor(
    private readonly scenario: Scenario,
    private readonly layer: FailoverLayer,
    private readonly input: DriverInput,
    private readonly paths: number,
  ) {
    this.faults = new FaultInjector(scenario.faults, {
      paths,
      pathOptions: input.paths,
      now: () => this.now(),
      record: (e, t) => this.record(e, t),
      finished: () => this.finished,
      activity: (t) => (this.lastActivityNs = t),
      timer: (ms, fn) => this.faultTimer(ms, fn),
      ms: (ns) => this.ms(ns),
      wait: (anchor, fire) => this.wait(anchor, fire),
      forceErrorA: (path) => this.runtime.forceError(path),
      agentFault: (action, path) =>
        void this.input.channel.request({ type: 'fault', action, path }).catch(() => undefined),
      qpns: (path) => ({
        own: this.runtime.paths.ends[path].qp.qpNum,
        peer: this.runtime.paths.ends[path].peer!.qpNum,
      }),
    });
  }

  // ------------------------------------------------------------------ recording

  private record(e: NewEvent, t: number): void {
    this.timed.push({ e, t });
    this.lastEventNs = Math.max(this.lastEventNs, t);
    if (e.kind === 'AppPostSend' && e.host === 'A') this.appSendIds.add(e.wr.id);
    this.onEventForAnchors(e);
  }

  private now(): number {
    return this.runtime.now();
  }

  // ------------------------------------------------------------------ the run

  async run(wire: ReturnType<typeof wireConfig>): Promise<Execution> {
    const ch = this.input.channel;
    ch.onMessage = (m) => this.onAgentMessage(m);
    this.scale = timeScale(this.input.limits.timeScale, resolveConfig(this.scenario).timeout, wire.timeout);
    this.runtime = new HostRuntime({
      host: 'A',
      addon: this.input.addon,
      paths: this.input.paths,
      config: wire,
      timerScale: this.scale,
      sink: {
        record: (e, t) => this.record(e, t),
        outcome: (o) => this.outcomes.push(o),
        nicWrite: (w) => this.onNicWrite(w),
        control: (msg) => this.forwardControl(msg),
      },
    });
    this.runtime.hooks.beforePost = (host, path, wr) => this.faults.beforePost(host, path, wr);
    const infoA = this.runtime.open();
    const setup = await ch.request(
      {
        type: 'setup',
        config: wire,
        peer: infoA,
        layer: this.input.layerRef,
        appDelayNs: resolveConfig(this.scenario).appDelayNs * this.scale,
        timerScale: this.scale,
      },
      60_000,
    );
    this.runtime.connect(setup.endpoints as EndpointInfo[]);
    // Exact packet faults: the filter and its rules are in place before anything is posted.
    if (this.faults.needsFilter) this.faults.useFilter(await PacketFilter.start());
    this.runtime.paths.onWirePost = this.faults.onWirePost;
    await this.syncClocks();

    // Layer instances: A's first, then B's, as the simulator does.
    this.offsetNs += this.runtime.rebaseClock();
    this.runtime.createInstance((env) => this.layer.create(env), 0);
    await ch.request({ type: 'start', atT: this.offsetNs });
    this.lastActivityNs = this.now();

    this.faults.armAll();
    this.scenario.workload.forEach((step) => {
      if (step.after) this.wait(step.after, () => this.runStep(step));
      else this.runStep(step);
    });
    const reason = await this.loop();
    return this.finish(reason);
  }

  /** Estimates the agent's clock offset (NTP-style, best of three round trips). */
  private async syncClocks(): Promise<void> {
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const t0 = this.now();
      const r = await this.input.channel.request({ type: 'ping' });
      const t1 = this.now();
      if (t1 - t0 < best) {
        best = t1 - t0;
        this.offsetNs = Number(r.now) - (t0 + t1) / 2;
      }
    }
  }

  private async loop(): Promise<EndReason> {
    const { livenessMs, settleMs, pollIntervalMs } = this.input.limits;
    let lastStatusCheck = 0;
    for (;;) {
      await sleep(pollIntervalMs);
      if (this.input.channel.closed) throw new Error('native.run: the agent closed the harness channel during the run');
      this.runtime.tick();
      // A's layer spent its work budget (B's is asked with the status below): no more layer work.
      if (this.runtime.workBudgetSpent) return 'work-budget';
      const now = this.now();
      if (now > this.lastActivityNs + livenessMs * 1e6) return 'time-limit';
      const quietLocally =
        !this.runtime.busy() &&
        this.inFlightControl === 0 &&
        this.stepsInFlight === 0 &&
        this.faultTimers === 0 &&
        now > this.lastEventNs + settleMs * 1e6;
      if (!quietLocally || now - lastStatusCheck < settleMs * 1e6) continue;
      lastStatusCheck = now;
      const status = await this.input.channel.request({ type: 'status' });
      if (status.workBudgetSpent === true) return 'work-budget';
      if (!status.busy && this.now() > this.lastEventNs + settleMs * 1e6) return 'quiescent';
    }
  }

  private async finish(reason: EndReason): Promise<Execution> {
    this.finished = true;
    this.runtime.flushOutcomes();
    const memA = this.runtime.memoryWords();
    const fin = await this.input.channel.request({ type: 'finish' });
    const memB = fin.memory as number[];
    const endT = this.now();
    this.faults.endRun(endT);
    const recvConsumed = this.timed.filter((x) => x.e.kind === 'RecvConsumed');
    const inferred = inferNetworkEvents(this.outcomes, this.nicWrites, recvConsumed);
    const all = [...this.timed, ...inferred].map((x, seq) => ({ ...x, seq }));
    all.sort((x, y) => x.t - y.t || x.seq - y.seq);
    const trace: Trace = all.map((x, i) => ({ ...x.e, i, t: Math.max(0, Math.round(x.t)) }) as TraceEvent);
    const memory = { A: memA, B: memB };
    trace.push({ kind: 'End', host: 'net', reason, memory, i: trace.length, t: Math.round(endT) });
    return {
      scenario: this.scenario,
      config: resolveConfig(this.scenario),
      layer: this.layer,
      adapter: this.input.adapter,
      trace,
      end: { reason, timeNs: Math.round(endT), memory },
    };
  }

  /** Undoes faults and releases resources, whatever happened. */
  cleanup(): void {
    try {
      this.faults.restore();
    } finally {
      this.runtime?.close();
    }
  }

  // ------------------------------------------------------------------ the agent

  private onAgentMessage(m: WireMessage): unknown {
    switch (m.type) {
      case 'event': {
        const t = Number(m.t) - this.offsetNs;
        this.record(m.e as NewEvent, t);
        return undefined;
      }
      case 'outcome': {
        const o = m.outcome as Outcome;
        this.outcomes.push({
          ...o,
          postedAt: o.postedAt - this.offsetNs,
          ...(o.completedAt !== undefined ? { completedAt: o.completedAt - this.offsetNs } : {}),
        });
        return undefined;
      }
      case 'nicWrite': {
        const w = m.write as NicWrite;
        this.onNicWrite({ ...w, t: w.t - this.offsetNs });
        return undefined;
      }
      case 'control':
        // B's layer sent a control message to A's.
        if (!this.faults.controlUp) {
          this.record({ kind: 'ControlLost', host: 'B', msg: m.msg }, this.now());
          return undefined;
        }
        this.runtime.deliverControl(m.msg);
        return undefined;
      default:
        throw new Error(`native: unexpected message '${m.type}' from the agent`);
    }
  }

  private forwardControl(msg: unknown): void {
    if (!this.faults.controlUp) {
      this.record({ kind: 'ControlLost', host: 'A', msg }, this.now());
      return;
    }
    this.inFlightControl++;
    this.input.channel
      .request({ type: 'control', msg })
      .finally(() => this.inFlightControl--)
      .catch(() => undefined);
  }

  // ------------------------------------------------------------------ workload

  /**
   * Steps run one after another in the order they fire, as in the simulator: a step for B waits
   * for the agent's acknowledgement before the next step runs, so "B posts its RECVs, then A
   * SENDs" keeps its order on real hardware.
   */
  private stepQueue: Promise<void> = Promise.resolve();
  private faultTimers = 0;

  /** A timer of the scenario (a fault window's end, an 'at' anchor); the run is not quiescent while one is pending. */
  private faultTimer(ms: number, fn: () => void): void {
    this.faultTimers++;
    setTimeout(() => {
      this.faultTimers--;
      fn();
    }, ms);
  }
  private stepsInFlight = 0;

  private runStep(step: WorkloadStep): void {
    this.stepsInFlight++;
    this.stepQueue = this.stepQueue
      .then(() => this.doStep(step))
      .catch(() => undefined)
      .finally(() => this.stepsInFlight--);
  }

  private async doStep(step: WorkloadStep): Promise<void> {
    if (this.finished) return;
    this.lastActivityNs = this.now();
    const host: LayerHost = step.kind === 'post' ? (step.host ?? 'A') : step.kind === 'recv' ? (step.host ?? 'B') : 'B';
    if (host === 'A' && step.kind === 'post') return this.runtime.appPostSend({ ...step.wr });
    if (host === 'A' && step.kind === 'recv') return this.runtime.appPostRecv({ ...step.wr });
    const { after: _after, ...plain } = step;
    await this.input.channel.request({ type: 'step', step: plain });
  }

  // ------------------------------------------------------------------ anchors

  private wait(anchor: Anchor, fire: () => void): void {
    if (anchor.on === 'start') return fire();
    if (anchor.on === 'at') {
      this.faultTimer(this.ms(anchor.atNs), () => !this.finished && fire());
      return;
    }
    this.waiters.push({ anchor, seen: 0, fire, done: false });
  }

  /** Feeds an anchor of kind `on` for WR `wr` of `host` on `path`. */
  private feed(on: 'post' | 'send' | 'execute' | 'deliver', host: LayerHost, wr: number, path?: number): void {
    for (const w of this.waiters) {
      const a = w.anchor;
      if (w.done || a.on !== on || a.wr !== wr || (a.host ?? 'A') !== host) continue;
      if (a.path !== undefined && path !== undefined && a.path !== path) continue;
      w.seen++;
      if (w.seen === (a.nth ?? 1)) {
        w.done = true;
        w.fire();
      }
    }
  }

  private onEventForAnchors(e: NewEvent): void {
    if (e.kind === 'AppPostSend') this.feed('post', e.host, e.wr.id);
    else if (e.kind === 'Deliver') this.feed('deliver', e.host, e.wc.wrId);
    else if (e.kind === 'Completion' && e.wc.status === 'SUCCESS' && e.wc.opcode !== 'RECV')
      this.feed('execute', e.host, e.wc.wrId, e.path);
    else if (e.kind === 'RecvConsumed' && e.wr >= 0) this.feed('execute', e.from, e.wr, e.path);
  }

  /** Live evidence of execution at B: a word changed the way one of A's outstanding WRs would change it. */
  private onNicWrite(w: NicWrite): void {
    this.nicWrites.push(w);
    if (w.host !== 'B') return;
    const candidates = this.timed.filter(
      (x) => x.e.kind === 'Post' && x.e.host === 'A' && x.e.ok && x.e.wr.addr === w.addr,
    );
    for (const c of candidates) {
      if (c.e.kind !== 'Post') continue;
      const wr = c.e.wr;
      const matches =
        wr.opcode === 'WRITE' || wr.opcode === 'WRITE_WITH_IMM'
          ? w.value === (wr.value ?? 0)
          : wr.opcode === 'FETCH_ADD'
            ? w.value - w.old === (wr.add ?? 0)
            : wr.opcode === 'CMP_SWAP'
              ? w.old === wr.compare && w.value === wr.swap
              : false;
      if (matches) {
        this.feed('execute', 'A', wr.id, c.e.path);
        return;
      }
    }
  }

  /** A scenario duration in real milliseconds. */
  private ms(ns: number): number {
    return (ns * this.scale) / 1e6;
  }
}
