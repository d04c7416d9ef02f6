/**
 * The fabric: the simulator's RC transport between real programs. Each program is a host (A,
 * B) whose verbs arrive over a socket (./server, ./verbs); each device is a path. Virtual time
 * is the simulator's: it advances only at a barrier, when every host is waiting (parked in a
 * poll that found nothing, in ibv_get_cq_event, gone, or quiet for `quietMs` of real time).
 * At a barrier the hosts' operations are committed in host order (A's, then B's, each in
 * program order), so that what programs do at the same virtual instant lands in the trace in
 * the same order whatever the real scheduling; then virtual time runs until something arrives
 * for a host, or nothing is left to run.
 */
import type { Adapter, Execution } from '../../src/core/execution';
import type { FailoverLayer } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import { FAULT_KINDS } from '../../src/core/scenario';
import type { LayerHost, WorkCompletion } from '../../src/core/verbs';
import { Simulator } from '../sim/simulator';
import { FabricMemory, scatter } from './dma';
import { Host } from './host';
import { resetQp } from './qp-state';
import type { PolledWc } from './host';
import { EVENT, WC_OPCODE, WC_RECV, WC_RECV_RDMA_WITH_IMM, WC_STATUS, WC_WITH_IMM } from './numbers';
import { ok } from './protocol';
import type { Answer } from './protocol';

/**
 * Simulator steps one barrier may run without anything arriving for a host. Beyond it virtual
 * time resumes at the next barrier (a tick later), so an endless retry loop (nic 'rxe' treats
 * retry_cnt 7 as forever) paces itself to real time, as on Soft-RoCE, instead of running into the
 * event limit at once; the order of what the fabric decides does not change.
 */
const MAX_STEPS_PER_BARRIER = 64;
/** Real milliseconds virtual time rests after a barrier ran MAX_STEPS_PER_BARRIER for nothing. */
const STALLED_REST_MS = 10;

/** Options of a fabric run. */
export interface FabricOptions {
  /** Config and faults (the workload is the programs'); config.paths is the number of devices. */
  scenario?: Partial<Scenario>;
  /** Real milliseconds without a verb after which a host counts as waiting (default 100). */
  quietMs?: number;
  /** Real milliseconds an empty poll is held before it is answered empty (default 5). */
  parkMs?: number;
}

/** The fabric's adapter, as Executions name it. */
export const FABRIC_ADAPTER: Adapter = {
  name: 'fabric',
  capabilities: {
    observesExecution: 'exact',
    deterministic: true,
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, { supported: k !== 'control-loss' && k !== 'corrupt-wqe' }])),
  },
  run(): Promise<Execution> {
    return Promise.reject(new Error('fabric: run programs with runFabric (adapters/fabric)'));
  },
};

/** One fabric run. */
export class Fabric {
  readonly sim: Simulator;
  readonly hosts: Record<LayerHost, Host> = { A: new Host('A'), B: new Host('B') };
  readonly memory: FabricMemory;
  readonly quietMs: number;
  readonly parkMs: number;
  nextCq = 1;
  nextChannel = 1;
  nextKey = 0x1000;
  private advancing = false;
  /** Until when (Date.now()) virtual time rests: the last barrier ran its whole budget for nothing. */
  private restUntil = 0;
  private readonly ticker: NodeJS.Timeout;

  constructor(options: FabricOptions = {}) {
    this.quietMs = options.quietMs ?? 100;
    this.parkMs = options.parkMs ?? 5;
    const given = options.scenario ?? {};
    const scenario: Scenario = {
      config: { maxEvents: 5_000_000, ...(given.config ?? {}) },
      workload: [],
      faults: given.faults ?? [],
    };
    this.sim = new Simulator(scenario, this.bridge());
    // A program's QP starts in RESET; the simulator's start connected, for its own layers.
    for (const host of ['A', 'B'] as const) for (const qp of this.sim.qps[host]) qp.state = 'RESET';
    this.memory = new FabricMemory(this.hosts);
    this.sim.responderMemory = this.memory;
    this.sim.begin();
    this.ticker = setInterval(() => this.barrier(), Math.max(1, Math.floor(this.quietMs / 2)));
    this.ticker.unref();
  }

  /** The layer the simulator calls: completions and port events go to the program's queues. */
  private bridge(): FailoverLayer {
    return {
      name: 'fabric',
      create: (env) => ({
        postSend: () => undefined,
        postRecv: () => undefined,
        onCompletion: (path, wc) => this.onCompletion(env.host, path, wc),
        onPortEvent: (path, event) => {
          const host = this.hosts[env.host];
          host.asyncEvents.push({ type: event === 'PORT_ERR' ? EVENT.PORT_ERR : EVENT.PORT_ACTIVE, port: 1, path });
          host.arrivals++;
        },
      }),
    };
  }

  /** A completion of `host`'s QP on `path`: into the program's CQ, with the bytes it places. */
  private onCompletion(name: LayerHost, path: number, wc: WorkCompletion): void {
    const host = this.hosts[name];
    const qp = host.qpOnPath(path);
    if (!qp) return;
    let polled: PolledWc;
    const status = WC_STATUS[wc.status];
    if (wc.opcode === 'RECV') {
      const recv = qp.recvs.get(wc.wrId);
      qp.recvs.delete(wc.wrId);
      const placed = this.memory.received.get(`${name}:${wc.wrId}`);
      this.memory.received.delete(`${name}:${wc.wrId}`);
      const ok_ = wc.status === 'SUCCESS' && placed !== undefined;
      polled = {
        wrId: recv?.wrId ?? '0',
        status,
        opcode: wc.withImm ? WC_RECV_RDMA_WITH_IMM : WC_RECV,
        byteLen: ok_ ? placed.byteLen : 0,
        imm: wc.imm ?? 0,
        flags: wc.imm !== undefined ? WC_WITH_IMM : 0,
        qpn: qp.qpn,
        srcQp: qp.qpn ^ 0x300,
        segments: ok_ && recv ? scatter(recv.sges, placed.data) : [],
      };
    } else {
      const send = qp.sends.get(wc.wrId);
      // This completion implies every earlier send WR of the QP (unsignaled ones complete silently).
      for (const id of qp.sends.keys()) if (id <= wc.wrId) qp.sends.delete(id);
      const result = wc.value !== undefined ? this.memory.results.get(wc.value) : undefined;
      if (wc.value !== undefined) this.memory.results.delete(wc.value);
      const carries = wc.status === 'SUCCESS' && result !== undefined && send !== undefined;
      polled = {
        wrId: send?.wrId ?? '0',
        status,
        opcode: WC_OPCODE[wc.opcode],
        byteLen: carries ? result.length : 0,
        imm: 0,
        flags: 0,
        qpn: qp.qpn,
        srcQp: 0,
        segments: carries ? scatter(send.sges, result) : [],
      };
    }
    const cq = host.cqs.get(wc.opcode === 'RECV' ? qp.recvCq : qp.sendCq);
    if (!cq) return;
    cq.entries.push(polled);
    host.arrivals++;
    if (cq.armed && cq.channel) {
      cq.armed = false;
      host.channels.get(cq.channel)?.push(cq.id);
    }
  }

  /** A host's call: it is busy (not waiting) until it parks again. */
  touch(host: Host): void {
    host.waiting = false;
    host.lastCallMs = Date.now();
  }

  /** A host found nothing to poll: it waits (parked) until an arrival or `parkMs` passes. */
  park(host: Host, kind: 'poll' | 'cq_event', id: number, max: number, reply: (a: Answer) => void): void {
    host.waiting = true;
    host.waitMark = host.arrivals;
    host.lastCallMs = Date.now();
    const timer = setTimeout(() => this.unpark(host, kind === 'poll' ? ok(0) : ok('none')), this.parkMs);
    host.parked = { kind, id, max, timer };
    host.reply = reply;
    this.barrier();
  }

  private unpark(host: Host, answer: Answer): void {
    if (!host.parked || !host.reply) return;
    clearTimeout(host.parked.timer);
    const reply = host.reply;
    host.parked = undefined;
    host.reply = undefined;
    reply(answer);
  }

  /** Takes up to `max` completions of `cq` as the poll answer: a line each, then its placements. */
  takeCompletions(host: Host, cqId: number, max: number): Answer {
    const cq = host.cqs.get(cqId);
    const taken = cq ? cq.entries.splice(0, Math.max(0, max)) : [];
    const blocks: Buffer[] = [];
    for (const w of taken) {
      const fields = [w.wrId, w.status, w.opcode, w.byteLen, w.imm, w.flags, w.qpn, w.srcQp, w.segments.length];
      blocks.push(Buffer.from(`${fields.join(' ')}\n`, 'latin1'));
      for (const s of w.segments) blocks.push(Buffer.from(`${s.addr} ${s.data.length}\n`, 'latin1'), s.data);
    }
    return { line: `ok ${taken.length}`, blocks };
  }

  /**
   * The barrier: when every host waits, commit their operations (A's, then B's) and run virtual
   * time until something arrives for a host or nothing is left; then answer parked calls.
   */
  barrier(): void {
    if (this.advancing) return;
    const now = Date.now();
    const hosts = [this.hosts.A, this.hosts.B];
    if (!hosts.every((h) => h.isWaiting(this.quietMs, now))) return;
    this.advancing = true;
    try {
      for (const h of hosts) this.commit(h);
      const before = hosts.map((h) => h.arrivals);
      let steps = now < this.restUntil ? MAX_STEPS_PER_BARRIER : 0;
      for (;;) {
        const t = this.sim.queue.peekTime();
        if (t === undefined || this.sim.stoppedBy) break;
        if (steps >= MAX_STEPS_PER_BARRIER) {
          if (now >= this.restUntil) this.restUntil = now + STALLED_REST_MS;
          break;
        }
        while (this.sim.queue.peekTime() === t && this.sim.step()) steps++; // every action of this instant
        if (hosts.some((h, k) => h.arrivals !== before[k])) break;
      }
    } finally {
      this.advancing = false;
    }
    this.answerParked();
  }

  /**
   * Applies a host's operations since the last barrier, in program order. Past the simulator's
   * event limit (an endless retry loop ran long enough) recording throws: the run is over, and
   * what the host asked for no longer reaches the trace.
   */
  private commit(host: Host): void {
    const ops = host.pending;
    host.pending = [];
    for (const op of ops) {
      try {
        op();
      } catch (err) {
        if (!this.sim.stoppedBy) throw err;
      }
    }
  }

  /**
   * Nothing can ever happen on the fabric again: no action is pending and every program still
   * connected is parked in a poll (or CQ-event wait) that found nothing.
   */
  idle(): boolean {
    if (this.sim.queue.peekTime() !== undefined) return false;
    return [this.hosts.A, this.hosts.B].every(
      (h) => h.gone || !h.connected || (h.parked !== undefined && h.pending.length === 0),
    );
  }

  /** Answers the parked calls whose CQ (or channel) now has something. */
  answerParked(): void {
    for (const host of [this.hosts.A, this.hosts.B]) {
      const p = host.parked;
      if (!p) continue;
      if (p.kind === 'poll' && (host.cqs.get(p.id)?.entries.length ?? 0) > 0) {
        this.unpark(host, this.takeCompletions(host, p.id, p.max));
      } else if (p.kind === 'cq_event') {
        const ready = host.channels.get(p.id);
        if (ready && ready.length > 0) this.unpark(host, ok(ready.shift()!));
      }
    }
  }

  /** A program is gone (it exited): its QPs go back to RESET at the next barrier. */
  hostLeft(host: Host): void {
    if (host.gone || !host.connected) return;
    host.gone = true;
    if (host.parked) clearTimeout(host.parked.timer);
    host.parked = undefined;
    host.reply = undefined;
    for (const qp of host.qps.values()) host.pending.push(() => resetQp(this, host, qp, 'the process exited'));
    host.qps.clear();
    this.barrier();
  }

  /** Ends the run: commits what is left, drains virtual time, records End. */
  finish(): Execution {
    clearInterval(this.ticker);
    // Every program has exited; a socket whose close is not seen yet is gone all the same.
    for (const h of [this.hosts.A, this.hosts.B]) this.hostLeft(h);
    for (const h of [this.hosts.A, this.hosts.B]) {
      if (h.parked) clearTimeout(h.parked.timer);
      this.commit(h);
    }
    // The NICs finish what is on the wire, within the liveness budget (RNR retries can be endless).
    const limit = this.sim.now + this.sim.livenessNs;
    let reason: 'quiescent' | 'time-limit' = 'quiescent';
    for (;;) {
      const t = this.sim.queue.peekTime();
      if (t === undefined || this.sim.stoppedBy) break;
      if (t > limit) {
        reason = 'time-limit';
        break;
      }
      this.sim.step();
    }
    this.memory.close();
    return this.sim.finish(FABRIC_ADAPTER, this.sim.stoppedBy ?? reason);
  }
}
