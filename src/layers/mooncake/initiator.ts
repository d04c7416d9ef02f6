/**
 * The initiator (host A) of the Mooncake model: slices posted as signaled WRITE/READ, completions
 * classified as performPollCq does, failed slices redispatched to another peer rail or handed to
 * another local RNIC (wp.cpp at MOONCAKE_COMMIT; abbreviations in ./source).
 */
import type { LayerEnv, LayerInstance } from '../../core/layer';
import type { SendWr, WcStatus, WorkCompletion } from '../../core/verbs';
import { Endpoints, isHandshake } from './endpoints';
import { RailStates } from './rails';
import type { MooncakeSettings } from './source';

/** One slice: an application WR, its retry count and the path it is on. */
interface Slice {
  wr: SendWr;
  retryCnt: number;
  path: number;
  /** The status of the completion that last failed it (what a final failure reports). */
  lastStatus: WcStatus;
}

/** Creates host A's instance of the Mooncake model. */
export function createMooncakeInitiator(env: LayerEnv, settings: MooncakeSettings): LayerInstance {
  return new MooncakeInitiator(env, settings);
}

class MooncakeInitiator implements LayerInstance {
  private readonly slices = new Map<number, Slice>();
  private readonly rails: RailStates;
  private readonly endpoints: Endpoints;
  /** Local RNIC p is active (context_.active()). */
  private readonly active: boolean[];
  /** Consecutive local failures per local RNIC (context_failure_count_). */
  private readonly contextFailures: number[];
  /** The pending PORT_ACTIVE recovery per local RNIC (recovery_activate_after_ns_), by generation. */
  private readonly recoveryGen: number[];
  /** redispatch_counter_ moved: slices queued for an endpoint are routed again (wp.cpp:performPostSend:401-413). */
  private rerouteQueued = false;

  constructor(
    private readonly env: LayerEnv,
    private readonly settings: MooncakeSettings,
  ) {
    this.rails = new RailStates(settings, () => env.now());
    this.active = Array.from({ length: env.paths }, () => true);
    this.contextFailures = Array.from({ length: env.paths }, () => 0);
    this.recoveryGen = Array.from({ length: env.paths }, () => 0);
    this.endpoints = new Endpoints(env, settings.readyAckTimeoutNs, {
      ready: (path, waiting) => {
        for (const id of waiting) this.withSlice(id, (s) => this.post(s, path));
      },
      // wp.cpp:performPostSend:508-519: a ready ACK that never came pauses the rail at once and
      // fails the waiting slices into the retry path.
      timedOut: (path, waiting) => {
        this.rails.markFailed(path, true);
        this.rerouteQueued = true;
        this.retryFailed(waiting);
      },
    });
  }

  /**
   * A transfer request of one slice (rt.cpp:submitTransferTask:904-918, retry_cnt 0), placed on
   * the topology's device or the first unpaused other one; with every rail paused it fails at once
   * (wp.cpp:submitPostSend:232-258). Mooncake moves only READ and WRITE (ep.cpp:submitPostSend:
   * 972-974): anything else is refused without being posted.
   */
  postSend(wr: SendWr): void {
    if (wr.opcode !== 'WRITE' && wr.opcode !== 'READ') {
      this.env.deliver({ wrId: wr.id, status: 'LOC_QP_OP_ERR', opcode: wr.opcode });
      return;
    }
    const slice: Slice = { wr, retryCnt: 0, path: 0, lastStatus: 'RETRY_EXC_ERR' };
    this.slices.set(wr.id, slice);
    const rail = this.rails.choose(0, this.env.paths);
    if (rail === undefined) return this.finalize(slice, false);
    this.dispatch(slice, rail);
    this.afterPass();
  }

  /** The target CPU is passive: an application RECV just goes to path 0 (the model's workloads post none). */
  postRecv(wr: { id: number }): void {
    if (!this.env.postRecv(0, wr).ok) this.env.deliver({ wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: 'RECV' });
  }

  /** One polled CQE (wp.cpp:performPollCq:552-737): one CQE per poll pass in the model. */
  onCompletion(path: number, wc: WorkCompletion): void {
    const slice = this.slices.get(wc.wrId);
    if (wc.opcode === 'RECV' || !slice || !this.endpoints.completed(path, wc.wrId)) {
      if (wc.opcode === 'RECV') this.env.deliver(wc);
      return; // a CQE of no slice on this QP: nothing in the source waits for it
    }
    this.endpoints.settle(path);
    if (wc.status === 'SUCCESS') {
      // wp.cpp:performPollCq:715-716 (finalize_slice success) and 729 (markContextSuccess).
      this.contextFailures[path] = 0;
      this.finalize(slice, true, wc.value);
      return this.afterPass();
    }
    slice.lastStatus = wc.status;
    const local: Slice[] = [];
    const remote: Slice[] = [];
    if (wc.status === 'WR_FLUSH_ERR') {
      // wp.cpp:performPollCq:626-649: a flush is "not a real network error": no rail penalty, no
      // endpoint deletion; retried (a local handoff when this RNIC is inactive) while budget lasts.
      if (this.shouldRetry(slice)) (this.active[path] ? remote : local).push(slice);
      else this.finalize(slice, false);
    } else {
      const localFailure = isLocalWcFailure(wc.status);
      if (!this.active[path] || localFailure) {
        // wp.cpp:performPollCq:667-695: charge the rail one error without pausing it (682),
        // count a local failure and retire the endpoint (handleLocalFailure, 1451-1467).
        if (localFailure) this.rails.markFailed(path, false);
        this.handleLocalFailure(path);
        if (this.shouldRetry(slice)) local.push(slice);
        else this.finalize(slice, false);
      } else {
        // wp.cpp:performPollCq:696-706: pause the peer rail at once when another is available,
        // delete the endpoint (its other WRs flush), then retry (707-711).
        if (this.rails.hasAlternative(path, this.env.paths)) {
          this.rails.markFailed(path, true);
          this.rerouteQueued = true;
        }
        this.retryFailed(this.endpoints.destroy(path));
        if (this.shouldRetry(slice)) remote.push(slice);
        else this.finalize(slice, false);
      }
    }
    // wp.cpp:performPollCq:731-736: local handoffs first, then remote redispatch.
    for (const s of local) this.redispatch(s, true);
    for (const s of remote) this.redispatch(s, false);
    this.afterPass();
  }

  /**
   * Async events of a local RNIC (wp.cpp:handleContextEvent:1061-1116): PORT_ERR makes the context
   * inactive and disconnects its endpoints (1064-1086); PORT_ACTIVE schedules its reactivation
   * after kContextRecoveryDelayNs (1103-1110, 1118-1125).
   */
  onPortEvent(path: number, event: 'PORT_ERR' | 'PORT_ACTIVE'): void {
    if (event === 'PORT_ERR') {
      this.recoveryGen[path]++;
      this.active[path] = false;
      this.retryFailed(this.endpoints.destroy(path));
    } else {
      const gen = ++this.recoveryGen[path];
      this.env.setTimer(this.settings.contextRecoveryDelayNs, `mooncake-activate:${path}:${gen}`);
    }
    this.afterPass();
  }

  onTimer(token: string): void {
    const [kind, p, n] = token.split(':');
    const path = Number(p);
    const gen = Number(n);
    if (kind === 'mooncake-ready') this.endpoints.onTimer(path, gen);
    else if (kind === 'mooncake-activate' && this.recoveryGen[path] === gen) {
      // wp.cpp:maybeActivateRecoveredContext:1127-1161 (the GID refresh is not modelled).
      this.active[path] = true;
      this.contextFailures[path] = 0;
    }
    this.afterPass();
  }

  onControl(msg: unknown): void {
    if (isHandshake(msg) && msg.mooncake === 'ready') this.endpoints.onReady(msg.path, msg.attempt);
    this.afterPass();
  }

  /**
   * Posts `slice` through the worker of its local RNIC (wp.cpp:performPostSend:357-527): an
   * inactive or unhealthy RNIC hands its work to another (366-385); a paused rail fails the
   * slice into the retry path (443-448); an endpoint not ready yet queues it.
   */
  private dispatch(slice: Slice, path: number): void {
    slice.path = path;
    if (!this.active[path] || !this.contextHealthy(path)) return this.redispatch(slice, true);
    if (!this.rails.isAvailable(path)) return this.retryFailed([slice.wr.id]);
    if (this.endpoints.isConnected(path)) this.post(slice, path);
    else this.endpoints.wait(path, slice.wr.id);
  }

  /** One signaled WRITE/READ per slice, wr_id = the slice (ep.cpp:submitPostSend:960-981). */
  private post(slice: Slice, path: number): void {
    slice.path = path;
    if (this.env.post(path, { ...slice.wr, signaled: true }).ok) this.endpoints.posted(path, slice.wr.id);
    // ep.cpp:submitPostSend:985-1000: a refused post lands in failed_slice_list.
    else this.retryFailed([slice.wr.id]);
  }

  /**
   * Slices that failed before completing (wp.cpp:performPostSend:531-549): each consumes retry
   * budget; retried through a local handoff when this RNIC is inactive, else on another rail.
   */
  private retryFailed(ids: number[]): void {
    for (const id of ids)
      this.withSlice(id, (slice) => {
        if (!this.shouldRetry(slice)) return this.finalize(slice, false);
        this.redispatch(slice, !this.active[slice.path]);
      });
  }

  /**
   * wp.cpp:redispatch:739-875: out of budget fails (760-762); a local handoff goes to another
   * active local RNIC or fails (764-774); a remote retry asks the topology for the device of its
   * retry count, or the first unpaused other one, and re-queues the same slice: same address,
   * same payload, nothing checks whether the first attempt took effect (776-860).
   */
  private redispatch(slice: Slice, handoff: boolean): void {
    if (slice.retryCnt >= this.settings.maxRetryCnt) return this.finalize(slice, false);
    if (handoff) {
      const to = this.handoffTarget(slice);
      if (to === undefined) return this.finalize(slice, false);
      return this.dispatch(slice, to);
    }
    const rail = this.rails.choose(slice.retryCnt, this.env.paths);
    if (rail === undefined) return this.finalize(slice, false);
    this.dispatch(slice, rail);
  }

  /**
   * wp.cpp:tryHandoffToAnotherLocalWorker:877-945: from context retry_cnt mod n, the first other
   * active local RNIC (909-916). The source keeps the peer rail; the model's path moves both.
   */
  private handoffTarget(slice: Slice): number | undefined {
    const n = this.env.paths;
    if (n <= 1) return undefined;
    const start = slice.retryCnt % n;
    for (let k = 0; k < n; k++) {
      const d = (start + k) % n;
      if (d !== slice.path && this.active[d]) return d;
    }
    return undefined;
  }

  /** wp.cpp:handleLocalFailure:1451-1467 with markContextFailure (wp.h:114-126). */
  private handleLocalFailure(path: number): void {
    if (++this.contextFailures[path] >= this.settings.contextFailureThreshold) this.active[path] = false;
    this.rerouteQueued = true;
    this.retryFailed(this.endpoints.destroy(path));
  }

  /** wp.h:contextHealthy:107-110. */
  private contextHealthy(path: number): boolean {
    return this.contextFailures[path] < this.settings.contextFailureThreshold;
  }

  /** wp.cpp:shouldRetrySlice:1419-1422: every failure costs one retry; the slice fails at max_retry_cnt. */
  private shouldRetry(slice: Slice): boolean {
    slice.retryCnt++;
    return slice.retryCnt < this.settings.maxRetryCnt;
  }

  /** markSuccess / markFailed (transport.h:203-217): the slice's task learns its outcome. */
  private finalize(slice: Slice, success: boolean, value?: number): void {
    if (!this.slices.delete(slice.wr.id)) return;
    const wr = slice.wr;
    if (success) {
      if (wr.signaled === false) return; // the application asked for no completion of a success
      this.env.deliver({
        wrId: wr.id,
        status: 'SUCCESS',
        opcode: wr.opcode,
        ...(wr.opcode === 'READ' && value !== undefined ? { value } : {}),
      });
    } else {
      this.env.deliver({ wrId: wr.id, status: slice.lastStatus, opcode: wr.opcode });
    }
  }

  /**
   * The worker's next pass after redispatch_counter_ moved: every slice still queued for an
   * endpoint is redispatched with its retry count unchanged (wp.cpp:performPostSend:401-413).
   */
  private afterPass(): void {
    while (this.rerouteQueued) {
      this.rerouteQueued = false;
      for (const id of this.endpoints.takeWaiting())
        this.withSlice(id, (s) => this.redispatch(s, !this.active[s.path] || !this.contextHealthy(s.path)));
    }
  }

  private withSlice(id: number, f: (slice: Slice) => void): void {
    const slice = this.slices.get(id);
    if (slice) f(slice);
  }
}

/** wp.cpp:isLocalWcFailure:1424-1449, over the statuses the simulator produces. */
function isLocalWcFailure(status: WcStatus): boolean {
  return status === 'LOC_LEN_ERR' || status === 'LOC_QP_OP_ERR';
}
