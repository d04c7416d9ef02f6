/**
 * The deterministic discrete-event RC simulator: one run of one Scenario against one layer.
 * A run is a pure function of its scenario (no wall clock, no randomness): the same scenario
 * gives the same trace, byte for byte. The inner loop is synchronous; every event is a plain
 * record pushed to the trace.
 */
import type { Execution, Adapter } from '../../src/core/execution';
import type { FailoverLayer, LayerInstance } from '../../src/core/layer';
import type { Scenario, SimConfig, WorkloadStep } from '../../src/core/scenario';
import { resolveConfig } from '../../src/core/scenario';
import type { EndReason, Trace, TraceEvent } from '../../src/core/trace';
import type { LayerHost, QpState, WcStatus, WorkCompletion } from '../../src/core/verbs';
import { copyWc, copyWr, LEGAL_QP_TRANSITIONS } from '../../src/core/verbs';
import { AnchorBoard } from './anchors';
import { makeLayerEnv } from './env';
import type { ContractEnv } from '../../src/core/env/contract';
import { describeError } from '../../src/core/errors';
import { FaultBook } from './faults';
import { EventQueue } from './queue';
import { Qp } from './qp';
import type { Packet } from './qp';
import { onRequest, onResponse } from './transport';
import { validateScenario } from '../../src/core/validate';

/** Distributes the `Omit` over a union, so each event kind keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before the recorder stamps its index and time. */
export type NewEvent = DistributiveOmit<TraceEvent, 'i' | 't'>;

/** A link direction's state: up or down, and when its last packet arrives (links are FIFO). */
interface Link {
  up: boolean;
  lastArrival: number;
}

/** The reuse steps the receiver application is waiting on, by address. */
interface ReuseWatch {
  addr: number;
  expect: number;
  value: number;
  fired: boolean;
}

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
  readonly instances: Partial<Record<LayerHost, LayerInstance>> = {};
  /** Each host's LayerEnv under the contract, told what its application posts. */
  readonly envs: Record<LayerHost, ContractEnv>;
  readonly anchors: AnchorBoard;
  readonly faults: FaultBook;
  private readonly watches: ReuseWatch[] = [];
  /** The latest fault, application step or NIC retry: the liveness budget counts from here. */
  lastActivityNs = 0;
  /** The newest connection of each path (bumped by every reset). */
  readonly pathEpochs: number[];
  /** The retransmission timer: 4.096 us * 2^timeout. */
  readonly timeoutNs: number;
  /** A WR's whole transport life on a dead path: (retryCnt + 1) timers. */
  readonly retryCycleNs: number;
  /**
   * The liveness budget actually used: at least the scenario's, and long enough for the NIC to
   * run out its own retries after the last activity, so a slow timer is not taken for a hang.
   */
  readonly livenessNs: number;
  private stopped: EndReason | undefined;

  constructor(readonly scenario: Scenario, readonly layer: FailoverLayer) {
    validateScenario(scenario);
    const c = (this.config = resolveConfig(scenario));
    this.memory = { A: new Array(c.memoryWords).fill(0), B: new Array(c.memoryWords).fill(0) };
    const makeQps = (host: LayerHost) =>
      Array.from({ length: c.paths }, (_, p) => new Qp(host, p, c.retryCnt, c.rnrRetry));
    this.qps = { A: makeQps('A'), B: makeQps('B') };
    this.links = Array.from({ length: c.paths }, () => ({
      'a-to-b': { up: true, lastArrival: 0 },
      'b-to-a': { up: true, lastArrival: 0 },
    }));
    this.nicAlive = { A: new Array(c.paths).fill(true), B: new Array(c.paths).fill(true) };
    this.pathEpochs = new Array(c.paths).fill(0);
    this.timeoutNs = Math.round(4096 * 2 ** c.timeout);
    // Room for a layer to try every path twice, each through the NIC's whole retry cycle.
    const retryCycleNs = (this.retryCycleNs = (c.retryCnt + 1) * this.timeoutNs);
    this.livenessNs = Math.max(c.livenessNs, (2 * c.paths + 1) * retryCycleNs, (Math.min(c.rnrRetry, 6) + 2) * c.minRnrTimerNs);
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
    if (this.stopped) throw EVENT_LIMIT;
    const ev = e as TraceEvent;
    ev.i = this.trace.length;
    ev.t = this.now;
    this.trace.push(ev);
    if (this.trace.length >= this.config.maxEvents) this.stopped = 'event-limit';
    if (fireAnchors) this.anchors.onEvent(ev);
    return ev;
  }

  /** Runs `fn` after `delayNs` of virtual time. */
  at(delayNs: number, fn: () => void): void {
    this.queue.push(this.now + delayNs, fn);
  }

  /** Calls into a layer instance; an exception becomes a LayerFault, never a crash. */
  callLayer(host: LayerHost, during: string, fn: (inst: LayerInstance) => void): void {
    const inst = this.instances[host];
    if (!inst) return;
    try {
      fn(inst);
    } catch (err) {
      if (err === EVENT_LIMIT) throw err;
      this.layerFault(host, during, `threw ${describeError(err)}`);
    }
  }

  /** Records the layer's misuse of the contract. */
  layerFault(host: LayerHost, during: string, reason: string): void {
    this.record({ kind: 'LayerFault', host, during, reason });
  }

  // ---------------------------------------------------------------- observations of a layer

  /** A completion polled from `host`'s CQ of `path`, handed to its layer (queued, not re-entrant). */
  complete(host: LayerHost, path: number, wc: WorkCompletion): void {
    this.at(0, () => {
      this.record({ kind: 'Completion', host, obs: host, path, wc });
      this.callLayer(host, 'onCompletion', (l) => l.onCompletion(path, copyWc(wc)));
    });
  }

  /** A local port event at `host`. */
  portEvent(host: LayerHost, path: number, event: 'PORT_ERR' | 'PORT_ACTIVE'): void {
    this.at(0, () => {
      this.record({ kind: 'PortEvent', host, obs: host, path, event });
      this.callLayer(host, 'onPortEvent', (l) => l.onPortEvent?.(path, event));
    });
  }

  // ---------------------------------------------------------------- QP state machine

  /** Moves a QP to `to` if the transition is legal (verbs.c qp_state_table); false otherwise. */
  transition(qp: Qp, to: QpState, reason: string): boolean {
    if (!LEGAL_QP_TRANSITIONS[qp.state].includes(to)) return false;
    const from = qp.state;
    qp.state = to;
    if (from !== to) this.record({ kind: 'QpState', host: qp.host, path: qp.path, from, to, reason });
    return true;
  }

  /**
   * Puts a QP in ERR: the WQE that failed (if any) completes with `status`, then every later
   * outstanding send WQE and every posted RECV completes with WR_FLUSH_ERR, in order.
   */
  fail(qp: Qp, status: WcStatus | undefined, reason: string, failingPsn?: number): void {
    if (qp.state === 'ERR' || qp.state === 'RESET') return;
    this.transition(qp, 'ERR', reason);
    this.cancelTimer(qp);
    qp.rnrWaiting = false;
    qp.retryStarted = false;
    // Without an explicit failing WQE, the error belongs to the oldest outstanding one.
    const errPsn = failingPsn ?? qp.sq[0]?.psn;
    for (const wqe of qp.sq) {
      const s: WcStatus = status && wqe.psn === errPsn ? status : 'WR_FLUSH_ERR';
      this.complete(qp.host, qp.path, { wrId: wqe.wr.id, status: s, opcode: wqe.wr.opcode });
    }
    qp.sq = [];
    qp.sendIdx = 0;
    for (const r of qp.rq) this.complete(qp.host, qp.path, { wrId: r.id, status: 'WR_FLUSH_ERR', opcode: 'RECV' });
    qp.rq = [];
  }

  /**
   * Reconnects a QP (RESET -> INIT -> RTR -> RTS): outstanding WQEs are discarded without
   * completions and the connection starts a fresh PSN space; the peer's responder state is reset
   * too, since the new connection has no memory of what the old one executed.
   */
  reconnect(qp: Qp): void {
    this.transition(qp, 'RESET', 'reset by the layer');
    this.cancelTimer(qp);
    qp.sq = [];
    qp.rq = [];
    qp.sendIdx = 0;
    qp.rnrWaiting = false;
    qp.retryStarted = false;
    const peer = this.qps[other(qp.host)][qp.path];
    const epoch = ++this.pathEpochs[qp.path];
    qp.txEpoch = qp.rxEpoch = epoch;
    qp.nextPsn = 0;
    qp.retriesLeft = this.config.retryCnt;
    qp.rnrRetriesLeft = this.config.rnrRetry;
    for (const end of [qp, peer]) {
      end.ePsn = 0;
      end.nakSent = false;
      end.rdAtomicSlots.clear();
    }
    peer.rxEpoch = epoch;
    // The peer's outstanding requests belong to the old connection: responses already on the
    // wire still reach it, but retransmissions are stale, so it ends in RETRY_EXC_ERR as a real
    // RC requester whose partner QP vanished. With nothing outstanding it joins the new one.
    this.resync(peer);
    this.transition(qp, 'INIT', 'reset by the layer');
    this.transition(qp, 'RTR', 'reset by the layer');
    this.transition(qp, 'RTS', 'reset by the layer');
  }

  /** A requester with nothing outstanding joins its path's newest connection (fresh PSNs). */
  resync(qp: Qp): void {
    const epoch = this.pathEpochs[qp.path];
    if (qp.txEpoch === epoch || qp.sq.length > 0) return;
    qp.txEpoch = epoch;
    qp.nextPsn = 0;
  }

  // ---------------------------------------------------------------- requester transmission

  /** Transmits what the send queue may send now: new WQEs in order, stopping at a fence. */
  pump(qp: Qp): void {
    if (!qp.connected || qp.rnrWaiting) return;
    while (qp.sendIdx < qp.sq.length) {
      const wqe = qp.sq[qp.sendIdx];
      // IBV_SEND_FENCE: wait until every earlier READ/atomic of this send queue has completed.
      if (wqe.wr.fence && qp.sq.slice(0, qp.sendIdx).some((w) => w.wr.opcode === 'READ' || w.wr.opcode === 'FETCH_ADD' || w.wr.opcode === 'CMP_SWAP')) return;
      if (wqe.corrupt) {
        this.fail(qp, 'LOC_QP_OP_ERR', `corrupt WQE of WR ${wqe.wr.id}`, wqe.psn);
        return;
      }
      qp.sendIdx++;
      this.transmit(qp, wqe.psn, false);
    }
  }

  /** Puts the request of the WQE with `psn` on the wire. */
  transmit(qp: Qp, psn: number, retransmit: boolean): void {
    const wqe = qp.wqeAt(psn);
    if (!wqe) return;
    wqe.sent = true;
    const txSeq = (wqe.lastTx = qp.txCount++);
    // Anchors on this Send fire once the packet is on the wire, so a fault they start hits
    // what comes after it, not the packet itself.
    const ev = this.record({ kind: 'Send', host: qp.host, path: qp.path, wr: wqe.wr.id, op: wqe.wr.opcode, psn, retransmit }, false);
    const packet: Packet = { kind: 'request', path: qp.path, requester: qp.host, epoch: qp.txEpoch, txSeq, psn, wr: wqe.wr };
    this.sendPacket(packet, qp.host);
    if (!qp.timer) this.armTimer(qp);
    this.anchors.onEvent(ev);
  }

  /** Retransmits every sent, unacknowledged WQE from `fromPsn` on (go-back-N). */
  retransmitFrom(qp: Qp, fromPsn: number): void {
    if (qp.rnrWaiting) return; // the RNR timer will retransmit
    const head = qp.sq[0];
    if (!head) return;
    for (let k = Math.max(0, fromPsn - head.psn); k < qp.sq.length; k++) {
      const wqe = qp.sq[k];
      if (wqe.sent && !wqe.acked) this.transmit(qp, wqe.psn, true);
    }
  }

  /** (Re)starts the retransmission timer: 4.096 us * 2^timeout; timeout 0 means none (IBTA). */
  armTimer(qp: Qp): void {
    this.cancelTimer(qp);
    if (this.config.timeout === 0) return;
    const handle = this.queue.push(this.now + this.timeoutNs, () => {
      if (qp.timer !== handle) return;
      qp.timer = undefined;
      this.onTimeout(qp);
    });
    qp.timer = handle;
  }

  cancelTimer(qp: Qp): void {
    if (qp.timer) qp.timer.cancelled = true;
    qp.timer = undefined;
  }

  private onTimeout(qp: Qp): void {
    if (!qp.connected) return;
    const head = qp.sq.find((w) => w.sent && !w.acked);
    if (!head) return;
    this.record({ kind: 'Timeout', host: qp.host, path: qp.path, wr: head.wr.id, psn: head.psn, retriesLeft: qp.retriesLeft });
    if (qp.retriesLeft > 0) {
      qp.retriesLeft--;
      this.retransmitFrom(qp, head.psn);
    } else {
      this.fail(qp, 'RETRY_EXC_ERR', `retry_cnt exhausted on WR ${head.wr.id}`);
    }
  }

  // ---------------------------------------------------------------- links

  /** Sends a packet from host `from` over its path's link, subject to link state and faults. */
  sendPacket(packet: Packet, from: LayerHost): void {
    const dir = from === 'A' ? 'a-to-b' : 'b-to-a';
    const link = this.links[packet.path][dir];
    const lost = this.linkBroken(packet.path, dir, from) ?? this.faults.dropReason(packet);
    if (lost) return this.lose(packet, lost);
    const arrival = Math.max(this.now + this.config.wireDelayNs + this.faults.extraDelay(packet), link.lastArrival);
    link.lastArrival = arrival;
    this.queue.push(arrival, () => {
      // A link or NIC that died while the packet was in flight loses it too.
      const late = this.linkBroken(packet.path, dir, from);
      if (late) return this.lose(packet, `${late} while in flight`);
      const to = other(from);
      if (packet.kind === 'request') onRequest(this, this.qps[to][packet.path], packet);
      else onResponse(this, this.qps[to][packet.path], packet);
    });
  }

  /** Why a link direction carries nothing now (link down, a dead NIC at either end), if it does not. */
  private linkBroken(path: number, dir: 'a-to-b' | 'b-to-a', from: LayerHost): string | undefined {
    const to = other(from);
    if (!this.links[path][dir].up) return `link ${path} ${dir} down`;
    if (!this.nicAlive[from][path]) return `${from}'s NIC ${path} dead`;
    if (!this.nicAlive[to][path]) return `${to}'s NIC ${path} dead`;
    return undefined;
  }

  /** Records a lost packet: PacketLost for a request, AckLost for a response. */
  private lose(packet: Packet, reason: string): void {
    if (packet.kind === 'request') {
      this.record({ kind: 'PacketLost', host: 'net', path: packet.path, wr: packet.wr.id, psn: packet.psn, reason });
    } else {
      this.record({ kind: 'AckLost', host: 'net', path: packet.path, wr: packet.wr.id, psn: packet.psn, reason, ...(packet.nak ? { nak: packet.nak } : {}) });
    }
  }

  // ---------------------------------------------------------------- memory and applications

  /** Writes a word of `host`'s memory and wakes the receiver application's watches. */
  setWord(host: LayerHost, addr: number, value: number): void {
    this.memory[host][addr] = value;
    if (host === 'B' && this.watches.length > 0) this.checkWatches(addr);
  }

  private checkWatches(addr: number): void {
    for (const w of this.watches) {
      if (w.fired || w.addr !== addr || this.memory.B[addr] !== w.expect) continue;
      w.fired = true;
      this.at(this.config.appDelayNs, () => {
        this.touchActivity();
        this.record({ kind: 'AppConsume', host: 'B', addr, value: this.memory.B[addr] });
        this.record({ kind: 'AppReuse', host: 'B', addr, value: w.value });
        this.setWord('B', addr, w.value);
      });
    }
  }

  /** Performs one workload step now. */
  runStep(step: WorkloadStep): void {
    this.touchActivity();
    switch (step.kind) {
      case 'post': {
        const host = step.host ?? 'A';
        const wr = copyWr(step.wr);
        this.envs[host].appPostedSend(wr.id);
        this.record({ kind: 'AppPostSend', host, obs: host, wr });
        this.callLayer(host, 'postSend', (l) => l.postSend(copyWr(wr)));
        return;
      }
      case 'recv': {
        const host = step.host ?? 'B';
        const wr = { ...step.wr };
        this.envs[host].appPostedRecv(wr.id);
        this.record({ kind: 'AppPostRecv', host, obs: host, wr });
        this.callLayer(host, 'postRecv', (l) => l.postRecv({ ...wr }));
        return;
      }
      case 'reuse': {
        const w = { addr: step.addr, expect: step.expect, value: step.value, fired: false };
        this.watches.push(w);
        this.checkWatches(step.addr);
        return;
      }
      case 'third': {
        // C's request travels over its own reliable QP and executes at B's NIC.
        this.at(this.config.wireDelayNs, () => this.thirdParty(step));
        return;
      }
    }
  }

  private thirdParty(step: Extract<WorkloadStep, { kind: 'third' }>): void {
    this.touchActivity();
    const mem = this.memory.B;
    const old = mem[step.addr] ?? 0;
    let next = old;
    if (step.op === 'WRITE') next = step.value ?? 0;
    else if (step.op === 'FETCH_ADD') next = old + (step.add ?? 0);
    else if (old === (step.compare ?? 0)) next = step.swap ?? 0;
    const { kind: _k, after: _a, ...args } = step;
    this.record({ kind: 'ThirdParty', host: 'C', ...args, old });
    if (next !== old) this.setWord('B', step.addr, next);
    else this.memory.B[step.addr] = next;
  }

  /** Marks a fault or application step: the liveness budget restarts from now. */
  touchActivity(): void {
    if (this.now > this.lastActivityNs) this.lastActivityNs = this.now;
  }

  // ---------------------------------------------------------------- the run

  /** Runs the scenario to its end and returns the Execution. */
  run(adapter: Adapter): Execution {
    for (const host of ['A', 'B'] as const) {
      try {
        this.instances[host] = this.layer.create(this.envs[host].env);
      } catch (err) {
        if (err === EVENT_LIMIT) break;
        this.layerFault(host, 'create', `threw ${describeError(err)}`);
      }
    }
    this.faults.start();
    this.scenario.workload.forEach((step) => {
      if (step.after) this.anchors.wait(step.after, () => this.at(0, () => this.runStep(step)));
      else this.at(0, () => this.runStep(step));
    });
    let reason: EndReason = 'quiescent';
    for (;;) {
      if (this.stopped) {
        reason = this.stopped;
        break;
      }
      const next = this.queue.pop();
      if (!next) break;
      if (next.t > this.lastActivityNs + this.livenessNs) {
        this.now = this.lastActivityNs + this.livenessNs;
        reason = 'time-limit';
        break;
      }
      this.now = next.t;
      try {
        next.run();
      } catch (err) {
        if (err !== EVENT_LIMIT) throw err;
      }
    }
    // A quiescent run ends with its last event, not with a cancelled timer that ran idle.
    if (reason === 'quiescent' && this.trace.length > 0) this.now = this.trace[this.trace.length - 1].t;
    const memory = { A: [...this.memory.A], B: [...this.memory.B] };
    this.stopped = undefined; // the End event must be recorded even at the event limit
    this.record({ kind: 'End', host: 'net', reason, memory });
    return {
      scenario: this.scenario,
      config: this.config,
      layer: this.layer,
      adapter,
      trace: this.trace,
      end: { reason, timeNs: this.now, memory },
    };
  }
}

/** Thrown by record() past the event limit; caught by the run loop (never seen by users). */
const EVENT_LIMIT = new Error('rdmacheck simulator: event limit reached');

/** The other end of a path. */
export function other(host: LayerHost): LayerHost {
  return host === 'A' ? 'B' : 'A';
}

