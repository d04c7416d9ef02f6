/**
 * The deterministic discrete-event RC simulator: one run of one Scenario against one layer.
 * A run is a pure function of its scenario (no wall clock, no randomness): the same scenario
 * gives the same trace, byte for byte. The inner loop is synchronous; every event is a plain
 * record pushed to the trace. This file holds the run's state, its recorder and scheduler, the
 * observations it hands the layers, and the run loop; the NIC (./nic, ./transport), the links
 * (./links), the applications (./apps), the faults (./faults) and the LayerEnv (./env) act on it.
 * When a run ends: ./liveness; how idle layer timers are recorded: ./idleTimers.
 */
import type { Execution, Adapter, LivenessSpent } from '../../src/core/execution';
import type { FailoverLayer, LayerInstance } from '../../src/core/layer';
import type { Scenario, SimConfig } from '../../src/core/scenario';
import { resolveConfig } from '../../src/core/scenario';
import type { EndReason, Trace, TraceEvent } from '../../src/core/trace';
import type { LayerHost, WorkCompletion } from '../../src/core/verbs';
import { copyWc } from '../../src/core/verbs';
import type { ContractEnv } from '../../src/core/env/contract';
import { describeError } from '../../src/core/errors';
import { badInstance } from '../../src/core/env/instance';
import { validateScenario } from '../../src/core/validate';
import { recordFaultsReached } from '../../src/core/reached';
import { AnchorBoard } from './anchors';
import type { ResponderMemory } from './external';
import { runStep } from './apps';
import type { ReuseWatch } from './apps';
import { makeLayerEnv } from './env';
import { FaultBook } from './faults';
import { IdleTimerFolder } from './idleTimers';
import { LivenessBudget } from './liveness';
import type { Link } from './links';
import { EventQueue } from './queue';
import { Qp } from './qp';
import { nicBehaviour } from './profile';
import type { NicBehaviour } from './profile';

/** Distributes the `Omit` over a union, so each event kind keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before the recorder stamps its index and time. */
export type NewEvent = DistributiveOmit<TraceEvent, 'i' | 't'>;

/** One run of the simulator. Create, `run()`, read the Execution. */
export class Simulator {
  readonly config: SimConfig;
  readonly trace: Trace = [];
  now = 0;
  readonly queue = new EventQueue();
  readonly memory: Record<LayerHost, number[]>;
  /** qps[host][path] */
  readonly qps: Record<LayerHost, Qp[]>;
  /** links[path]['a-to-b' | 'b-to-a'] */
  readonly links: { 'a-to-b': Link; 'b-to-a': Link }[];
  /** NIC alive per host per path. */
  readonly nicAlive: Record<LayerHost, boolean[]>;
  controlUp = true;
  /** Until when each host's CPU is paused (a pause fault): its layer's callbacks wait (onCpu). */
  readonly pausedUntil: Record<LayerHost, number> = { A: 0, B: 0 };
  /** Completions generated but not yet polled, per host (a poll delay or a pause holds them). */
  private readonly unpolled: Record<LayerHost, Set<Unpolled>> = { A: new Set(), B: new Set() };
  readonly instances: Partial<Record<LayerHost, LayerInstance>> = {};
  /** Each host's LayerEnv under the contract, told what its application posts. */
  readonly envs: Record<LayerHost, ContractEnv>;
  readonly anchors: AnchorBoard;
  readonly faults: FaultBook;
  /** The reuse steps the receiver application is waiting on (./apps). */
  readonly watches: ReuseWatch[] = [];
  /** What the run's NIC profile (config.nic) decides: timers, retries, resources, flushes. */
  readonly nic: NicBehaviour;
  /** The retransmission timer: 4.096 us * 2^timeout (rxe: whole jiffies, see ./profile). */
  readonly timeoutNs: number;
  /** A WR's whole transport life on a dead path: (retryCnt + 1) timers. */
  readonly retryCycleNs: number;
  /** The liveness budget: when the run ends at its time limit (./liveness). */
  readonly liveness: LivenessBudget;
  /**
   * The longest a run goes on after its last fault or application step: the budget plus the NIC
   * allowance (./liveness). The fabric (adapters/fabric) drains its last work within it.
   */
  readonly livenessNs: number;
  /** Extension point: a responder memory outside the simulator (./external); unset, the word memory. */
  responderMemory: ResponderMemory | undefined;
  private readonly idleTimers = new IdleTimerFolder((e) => this.append(e, true));
  private stopped: EndReason | undefined;
  /** Shown each recorded event by runWatched; true from it halts the run after the current step. */
  private watch: ((e: TraceEvent) => boolean) | undefined;
  private halted = false;
  /** Steps charged to the layers so far (callbacks and env calls): the work budget's counter. */
  private layerSteps = 0;
  /** The layer callback running now (for the finding when the work budget runs out). */
  private during = 'create';

  constructor(
    readonly scenario: Scenario,
    readonly layer: FailoverLayer,
  ) {
    validateScenario(scenario);
    const c = (this.config = resolveConfig(scenario));
    // The application's words, then the layer's own (kept out of every snapshot: finish()).
    const words = c.memoryWords + c.layerMemoryWords;
    this.memory = { A: new Array(words).fill(0), B: new Array(words).fill(0) };
    const makeQps = (host: LayerHost) =>
      Array.from({ length: c.paths }, (_, p) => new Qp(host, p, c.retryCnt, c.rnrRetry));
    this.qps = { A: makeQps('A'), B: makeQps('B') };
    this.links = Array.from({ length: c.paths }, () => ({
      'a-to-b': { up: true, lastArrival: 0 },
      'b-to-a': { up: true, lastArrival: 0 },
    }));
    this.nicAlive = { A: new Array(c.paths).fill(true), B: new Array(c.paths).fill(true) };
    this.nic = nicBehaviour(c);
    this.timeoutNs = this.nic.retransmitTimerNs;
    // NIC waits go uncharged for long enough that a layer can try every path twice, each
    // through the NIC's whole retry cycle, and sit out a run of RNR waits.
    const retryCycleNs = (this.retryCycleNs = (c.retryCnt + 1) * this.timeoutNs);
    const nicAllowanceNs = (2 * c.paths + 1) * retryCycleNs + (Math.min(c.rnrRetry, 6) + 2) * this.nic.rnrTimerNs;
    this.liveness = new LivenessBudget(c.livenessNs, nicAllowanceNs);
    this.livenessNs = c.livenessNs + nicAllowanceNs;
    this.anchors = new AnchorBoard(this);
    this.faults = new FaultBook(this, scenario.faults);
    this.envs = { A: makeLayerEnv(this, 'A'), B: makeLayerEnv(this, 'B') };
  }

  // ---------------------------------------------------------------- recording and scheduling

  /**
   * Appends an event stamped with the current time and fires the anchors that wait for it
   * (unless `fireAnchors` is false: the caller fires them itself). Past the event limit it throws
   * EVENT_LIMIT, which unwinds to the run loop: even a layer looping inside one callback stops.
   */
  record(e: NewEvent, fireAnchors = true): TraceEvent {
    if (this.idleTimers.hold(e)) return e as TraceEvent; // the re-arm of a firing that may be idle
    return this.append(e, fireAnchors);
  }

  private append(e: NewEvent, fireAnchors: boolean): TraceEvent {
    if (this.stopped) throw EVENT_LIMIT;
    const ev = e as TraceEvent;
    ev.i = this.trace.length;
    ev.t = this.now;
    this.trace.push(ev);
    if (this.trace.length >= this.config.maxEvents) this.stopped = 'event-limit';
    if (this.watch !== undefined && this.watch(ev)) this.halted = true;
    this.idleTimers.recorded(ev);
    if (fireAnchors) this.anchors.onEvent(ev);
    return ev;
  }

  /** Runs `fn` after `delayNs` of virtual time. */
  at(delayNs: number, fn: () => void): void {
    this.queue.push(this.now + delayNs, fn);
  }

  /** Arms timer `token` of `host`'s layer: onTimer after `delayNs` (idle firings fold: ./idleTimers). */
  armLayerTimer(host: LayerHost, delayNs: number, token: string): void {
    this.at(delayNs, () =>
      this.onCpu(host, () => {
        const folded = this.idleTimers.fire(host, token, this.now, this.trace, () =>
          this.callLayer(host, 'onTimer', (l) => l.onTimer?.(token)),
        );
        // A folded firing is proven idle (the callback and its re-arm): bounded by virtual time, free.
        if (folded) this.layerSteps -= 2;
      }),
    );
  }

  /** Calls into a layer instance; an exception becomes a LayerFault, never a crash. */
  callLayer(host: LayerHost, during: string, fn: (inst: LayerInstance) => void): void {
    const inst = this.instances[host];
    if (!inst) return;
    this.during = during;
    this.chargeLayer(host);
    try {
      fn(inst);
    } catch (err) {
      if (err === EVENT_LIMIT) throw err;
      this.layerFault(host, during, `threw ${describeError(err)}`);
    }
  }

  /**
   * Charges one step of the layers' work budget (a callback or an env call). Hot path: a counter
   * and a comparison. Past the budget the run ends with 'work-budget' and a LayerFault naming the
   * limit; the throw unwinds the layer's loop to the run loop, like the event limit.
   */
  chargeLayer(host: LayerHost): void {
    if (++this.layerSteps <= this.config.maxLayerSteps || this.stopped) return;
    this.append(
      {
        kind: 'LayerFault',
        host,
        during: this.during,
        reason:
          `exceeded the work budget of ${this.config.maxLayerSteps} steps per run (maxLayerSteps: callbacks and ` +
          `env calls charged to the layers): it loops or works without bound; if the scenario needs more, raise maxLayerSteps`,
      },
      false,
    );
    this.stopped = 'work-budget';
    throw EVENT_LIMIT;
  }

  /** Records the layer's misuse of the contract. */
  layerFault(host: LayerHost, during: string, reason: string): void {
    this.record({ kind: 'LayerFault', host, during, reason });
  }

  // ---------------------------------------------------------------- observations of a layer

  /**
   * A completion the NIC put in `host`'s CQ of `path`, handed to its layer when the host polls:
   * config.pollDelayNs later, and not while its CPU is paused (queued, not re-entrant).
   */
  complete(host: LayerHost, path: number, wc: WorkCompletion): void {
    const delay = this.config.pollDelayNs[host] ?? 0;
    const entry: Unpolled = { path, pollAt: this.now + delay, cancelled: false };
    this.unpolled[host].add(entry);
    this.at(delay, () =>
      this.onCpu(host, () => {
        this.unpolled[host].delete(entry);
        if (entry.cancelled) return;
        this.record({ kind: 'Completion', host, obs: host, path, wc });
        this.callLayer(host, 'onCompletion', (l) => l.onCompletion(path, copyWc(wc)));
      }),
    );
  }

  /**
   * Discards the completions of `host`'s QP `path` not yet polled (a reset under
   * resetCancelsInFlight). One polled at once (no delay, no pause) counts as polled already.
   */
  cancelUnpolled(host: LayerHost, path: number): void {
    const paused = this.pausedUntil[host] > this.now;
    for (const e of this.unpolled[host]) if (e.path === path && (paused || e.pollAt > this.now)) e.cancelled = true;
  }

  /** Runs `fn` on `host`'s CPU: now, or when a pause of it ends (in arrival order). */
  onCpu(host: LayerHost, fn: () => void): void {
    const until = this.pausedUntil[host];
    if (this.now < until) this.at(until - this.now, () => this.onCpu(host, fn));
    else fn();
  }

  /** A local port event at `host`. */
  portEvent(host: LayerHost, path: number, event: 'PORT_ERR' | 'PORT_ACTIVE'): void {
    this.at(0, () =>
      this.onCpu(host, () => {
        this.record({ kind: 'PortEvent', host, obs: host, path, event });
        this.callLayer(host, 'onPortEvent', (l) => l.onPortEvent?.(path, event));
      }),
    );
  }

  /** Marks a fault or application step: the liveness budget restarts from now. */
  touchActivity(): void {
    this.liveness.restart(this.now);
  }

  /** True while some NIC waits on its own timer (retransmission, RNR): not charged to the layers. */
  private nicWaiting(): boolean {
    for (const host of ['A', 'B'] as const) for (const qp of this.qps[host]) if (qp.timer || qp.rnrWaiting) return true;
    return false;
  }

  // ---------------------------------------------------------------- the run

  /** Runs the scenario to its end and returns the Execution. */
  run(adapter: Adapter): Execution {
    this.begin();
    const { reason, liveness } = this.loop();
    return this.finish(adapter, reason, liveness);
  }

  /**
   * Runs the scenario, showing `watch` each event as it is recorded, in trace order (an event may
   * still change later: see ./idleTimers). Once `watch` returns true the run halts after the
   * current step and resolves to undefined (the caller has seen what it needed); otherwise it
   * runs to its end and returns the Execution, as run() does.
   */
  runWatched(adapter: Adapter, watch: (e: TraceEvent) => boolean): Execution | undefined {
    this.watch = watch;
    this.begin();
    if (this.halted) return undefined;
    const { reason, liveness } = this.loop();
    if (this.halted) return undefined;
    this.watch = undefined;
    return this.finish(adapter, reason, liveness);
  }

  /** Steps until the run ends (or is halted): why it ended, and how it spent a time limit. */
  private loop(): { reason: EndReason; liveness?: LivenessSpent } {
    let reason: EndReason = 'quiescent';
    let liveness: LivenessSpent | undefined;
    for (;;) {
      if (this.halted) break;
      if (this.stopped) {
        reason = this.stopped;
        break;
      }
      const t = this.queue.peekTime();
      if (t === undefined) break;
      // A step at the same instant charges nothing either way: the NICs need no look then.
      const ended = this.liveness.advance(this.now, t, t > this.now && this.nicWaiting());
      if (ended) {
        this.now = ended.endNs;
        reason = 'time-limit';
        liveness = ended.spent;
        break;
      }
      this.step();
    }
    return { reason, liveness };
  }

  /**
   * Starts a run without running it: creates the layer instances, arms the faults, schedules the
   * workload. With step() and finish(), the extension point for an external driver (the fabric
   * of adapters/fabric) that interleaves virtual time with the posts of real programs.
   */
  begin(): void {
    for (const host of ['A', 'B'] as const) {
      try {
        this.during = 'create';
        this.chargeLayer(host);
        const inst: unknown = this.layer.create(this.envs[host].env);
        const bad = badInstance(inst);
        if (bad) this.layerFault(host, 'create', bad);
        else this.instances[host] = inst as LayerInstance;
      } catch (err) {
        if (err === EVENT_LIMIT) break;
        this.layerFault(host, 'create', `threw ${describeError(err)}`);
      }
    }
    this.faults.start();
    this.scenario.workload.forEach((step) => {
      if (step.after) this.anchors.wait(step.after, () => this.at(0, () => runStep(this, step)));
      else this.at(0, () => runStep(this, step));
    });
  }

  /** Runs the earliest pending action; false when none is left or the event limit stopped the run. */
  step(): boolean {
    if (this.stopped) return false;
    const next = this.queue.pop();
    if (!next) return false;
    this.now = next.t;
    try {
      next.run();
    } catch (err) {
      if (err !== EVENT_LIMIT) throw err;
    }
    return true;
  }

  /** Why the run stopped early (the event limit), if it did. */
  get stoppedBy(): EndReason | undefined {
    return this.stopped;
  }

  /** Ends the run: records End and returns the Execution (with how a time-limit run spent its budget). */
  finish(adapter: Adapter, reason: EndReason, liveness?: LivenessSpent): Execution {
    // A quiescent run ends with its last event, not with a cancelled timer that ran idle.
    if (reason === 'quiescent' && this.trace.length > 0) this.now = this.trace[this.trace.length - 1].t;
    // The application's words only: the layer's own are in the trace where they changed.
    const words = this.config.memoryWords;
    const memory = { A: this.memory.A.slice(0, words), B: this.memory.B.slice(0, words) };
    this.stopped = undefined; // the End event must be recorded even at the event limit
    this.record({ kind: 'End', host: 'net', reason, memory });
    const execution: Execution = {
      scenario: this.scenario,
      config: this.config,
      layer: this.layer,
      adapter,
      trace: this.trace,
      end: { reason, timeNs: this.now, memory, ...(liveness ? { liveness } : {}) },
    };
    recordFaultsReached(execution, this.faults.reached);
    return execution;
  }
}

/** A completion in a CQ that its host has not polled yet. */
interface Unpolled {
  path: number;
  pollAt: number;
  cancelled: boolean;
}

/** Thrown past the event limit or the work budget; caught by the run loop (never seen by users). */
const EVENT_LIMIT = new Error('rdmacheck simulator: event limit reached');
