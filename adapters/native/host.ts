/**
 * One host of a native run (the driver's A or the agent's B): its RDMA resources per path, the
 * LayerEnv its layer instance runs on, the poll loop that turns CQ entries and async events into
 * observations, and the evidence (memory changes, WR outcomes) the driver later infers Execute
 * and PacketLost from. Every env call is recorded, exactly as the simulator records it.
 */
import { badPath, postMisuse, postRecvMisuse } from '../../src/core/layer-misuse';
import type { LayerEnv, LayerInstance, LocalMemory, MemOpOptions } from '../../src/core/layer';
import type { LayerHost, PostResult, RecvWr, SendWr, WcStatus, WorkCompletion } from '../../src/core/verbs';
import { copyWr } from '../../src/core/verbs';
import { isObservation } from '../../src/core/trace';
import type { TraceEvent } from '../../src/core/trace';
import type { VerbsAddon, VerbsContext, VerbsCq, VerbsMr, VerbsPd, VerbsQp, VerbsSendWr, VerbsWc } from './binding';
import type { EndpointInfo, NativePathOptions, NewEvent, WireConfig } from './config';
import { WORD_BYTES } from './config';
import { encodeMessage, decodeMessage, SLOT_BYTES, SLOT_WORDS } from './message';

/** What one posted WR became; the driver infers Execute/PacketLost from these. */
export interface Outcome {
  host: LayerHost;
  path: number;
  wr: SendWr;
  postedAt: number;
  /** 'discarded' when a reset dropped it without a completion; 'pending' when the run ended first. */
  status: WcStatus | 'discarded' | 'pending';
  value?: number;
  completedAt?: number;
}

/** A word of this host's memory changed without its CPU writing it: a NIC (remote) write. */
export interface NicWrite {
  host: LayerHost;
  addr: number;
  old: number;
  value: number;
  t: number;
}

/** Where a host sends what it records. */
export interface HostSink {
  /** A trace event at local time `t` (ns since the run started on this host). */
  record(e: NewEvent, t: number): void;
  outcome(o: Outcome): void;
  nicWrite(w: NicWrite): void;
  /** A control message from this host's layer to the peer's. */
  control(msg: unknown): void;
  /** Coordinated reconnect: the peer must reconnect its end of `path` to our new PSN; resolves to its PSN. */
  peerReset(path: number, psn: number): Promise<number>;
}

/** A posted WR the NIC has not finished (send or receive). */
interface Token {
  id: number;
  path: number;
  kind: 'send' | 'recv';
  wr: SendWr | RecvWr;
  slot: number;
  postedAt: number;
  signaled: boolean;
}

/** One path's resources on this host. */
class PathEnd {
  ctx!: VerbsContext;
  pd!: VerbsPd;
  cq!: VerbsCq;
  qp!: VerbsQp;
  memMr!: VerbsMr;
  scratchMr!: VerbsMr;
  scratch!: BigInt64Array;
  freeSlots: number[] = [];
  peer?: EndpointInfo;
  psn = 0;
  /** RTS, ERR, or RECONNECTING while a coordinated reset is in progress. */
  state: 'INIT' | 'RTS' | 'ERR' | 'RECONNECTING' = 'INIT';
  sends: Token[] = [];
  recvs: Token[] = [];
  /** Posts made while reconnecting; posted once the QP is back in RTS. */
  queued: { kind: 'send' | 'recv'; token: Token }[] = [];
  constructor(readonly index: number, readonly opts: NativePathOptions) {}
}

const SLOTS_PER_PATH = 256;

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
export class HostRuntime {
  readonly host: LayerHost;
  readonly memoryBuffer: ArrayBuffer;
  readonly memory: BigInt64Array;
  private readonly snapshot: BigInt64Array;
  private readonly ends: PathEnd[];
  private readonly tokens = new Map<number, Token>();
  private nextToken = 1;
  private psnEpoch = 0;
  private startNs = process.hrtime.bigint();
  private readonly timers = new Set<NodeJS.Timeout>();
  instance?: LayerInstance;
  /** Application WR and RECV ids of this host (misuse checks, as in the simulator). */
  readonly appSendIds = new Set<number>();
  readonly appRecvIds = new Set<number>();
  private readonly delivered = new Set<string>();
  private readonly watches: { addr: number; expect: number; value: number; appDelayNs: number; fired: boolean }[] = [];
  readonly env: LayerEnv;

  constructor(private readonly o: HostOptions) {
    this.host = o.host;
    this.memoryBuffer = new ArrayBuffer(o.config.memoryWords * WORD_BYTES);
    this.memory = new BigInt64Array(this.memoryBuffer);
    this.snapshot = new BigInt64Array(o.config.memoryWords);
    if (o.paths.length < o.config.paths) {
      throw new Error(`native: host ${o.host} has ${o.paths.length} devices configured but the scenario needs ${o.config.paths} paths`);
    }
    this.ends = o.paths.slice(0, o.config.paths).map((p, i) => new PathEnd(i, p));
    this.env = this.makeEnv();
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
    const access = ['LOCAL_WRITE', 'REMOTE_WRITE', 'REMOTE_READ', 'REMOTE_ATOMIC'] as const;
    return this.ends.map((end) => {
      end.ctx = this.o.addon.openDevice(end.opts.device);
      end.ctx.asyncEvents(); // drain events from before the run
      end.pd = end.ctx.allocPd();
      end.cq = end.ctx.createCq(1024);
      end.memMr = end.pd.regMr(this.memoryBuffer, [...access]);
      const scratchBuffer = new ArrayBuffer(SLOTS_PER_PATH * SLOT_BYTES);
      end.scratch = new BigInt64Array(scratchBuffer);
      end.scratchMr = end.pd.regMr(scratchBuffer, ['LOCAL_WRITE']);
      end.freeSlots = Array.from({ length: SLOTS_PER_PATH }, (_, k) => SLOTS_PER_PATH - 1 - k);
      end.qp = end.pd.createQp({ sendCq: end.cq, recvCq: end.cq, maxSendWr: 256, maxRecvWr: 256 });
      this.toInit(end);
      end.psn = this.freshPsn(end.index);
      return this.info(end);
    });
  }

  private info(end: PathEnd): EndpointInfo {
    const port = end.opts.port ?? 1;
    return {
      qpNum: end.qp.qpNum,
      gid: end.ctx.queryGid(port, end.opts.gidIndex ?? 1),
      psn: end.psn,
      rkey: end.memMr.rkey,
      addr: end.memMr.addr.toString(),
    };
  }

  private freshPsn(path: number): number {
    // Deterministic and distinct per host, path and reconnect: easy to recognise in a capture.
    const base = this.host === 'A' ? 0x100000 : 0x800000;
    return (base + path * 0x10000 + 0x100 * this.psnEpoch++) & 0xffffff;
  }

  private toInit(end: PathEnd): void {
    end.qp.modify({ state: 'INIT', pkeyIndex: 0, portNum: end.opts.port ?? 1,
      access: ['LOCAL_WRITE', 'REMOTE_WRITE', 'REMOTE_READ', 'REMOTE_ATOMIC'] });
    end.state = 'INIT';
  }

  /** RTR then RTS towards the peer's endpoint: our sends start at end.psn, we expect peerPsn. */
  private toRts(end: PathEnd, peer: EndpointInfo): void {
    const c = this.o.config;
    end.peer = peer;
    end.qp.modify({ state: 'RTR', pathMtu: c.pathMtu, destQpNum: peer.qpNum, rqPsn: peer.psn, maxDestRdAtomic: c.maxDestRdAtomic,
      minRnrTimer: c.minRnrTimer, ah: { dgid: peer.gid, sgidIndex: end.opts.gidIndex ?? 1, portNum: end.opts.port ?? 1, hopLimit: 64 } });
    end.qp.modify({ state: 'RTS', timeout: c.timeout, retryCnt: c.retryCnt, rnrRetry: c.rnrRetry, sqPsn: end.psn, maxRdAtomic: c.maxDestRdAtomic });
    end.state = 'RTS';
  }

  /** Connects every path to the peer's endpoints (both ends call this once, after open()). */
  connect(peers: EndpointInfo[]): void {
    this.ends.forEach((end, i) => this.toRts(end, peers[i]));
  }

  /** Creates this host's layer instance (LayerFault when create throws). */
  createInstance(create: (env: LayerEnv) => LayerInstance, atT?: number): void {
    // Decisions made in create() belong to the run's first instant on both hosts.
    this.handlerT = atT ?? this.now();
    try {
      this.instance = create(this.env);
    } catch (err) {
      this.layerFault('create', `threw ${describe(err)}`);
    } finally {
      this.handlerT = undefined;
    }
  }

  /** Releases every resource (QPs first: see handles.h) and cancels layer timers. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const end of this.ends) {
      try {
        end.ctx?.close();
      } catch {
        // closing is best effort: the process exit releases the rest
      }
    }
  }

  // ------------------------------------------------------------------ recording

  /**
   * While a layer callback runs, every event is stamped with the time of the observation that
   * triggered it (and env.now() answers that time): a handler is instantaneous, as in the
   * simulator, so replaying the observations reproduces the decisions' times too.
   */
  private handlerT: number | undefined;
  private observationT = 0;

  record(e: NewEvent): void {
    const t = this.handlerT ?? this.now();
    if (isObservation(e as TraceEvent)) this.observationT = t;
    this.o.sink.record(e, t);
  }

  layerFault(during: string, reason: string): void {
    this.record({ kind: 'LayerFault', host: this.host, during, reason });
  }

  /** Calls into the layer instance; an exception becomes a LayerFault, never a crash. */
  callLayer(during: string, fn: (inst: LayerInstance) => void): void {
    if (!this.instance) return;
    const outer = this.handlerT;
    this.handlerT = outer ?? this.observationT;
    try {
      fn(this.instance);
    } catch (err) {
      this.layerFault(during, `threw ${describe(err)}`);
    } finally {
      this.handlerT = outer;
    }
  }

  // ------------------------------------------------------------------ the application

  /** The application posts a send WR through the layer. */
  appPostSend(wr: SendWr): void {
    this.appSendIds.add(wr.id);
    this.record({ kind: 'AppPostSend', host: this.host, obs: this.host, wr: { ...wr } });
    this.callLayer('postSend', (l) => l.postSend({ ...wr }));
  }

  /** The application posts a RECV through the layer. */
  appPostRecv(wr: RecvWr): void {
    this.appRecvIds.add(wr.id);
    this.record({ kind: 'AppPostRecv', host: this.host, obs: this.host, wr: { ...wr } });
    this.callLayer('postRecv', (l) => l.postRecv({ ...wr }));
  }

  /** The receiver application waits for `expect` at `addr`, consumes it and writes `value` (T2). */
  addReuse(addr: number, expect: number, value: number, appDelayNs: number): void {
    this.watches.push({ addr, expect, value, appDelayNs, fired: false });
    this.checkWatches();
  }

  /** A third party's operation on this host's memory (the agent's CPU stands in for host C). */
  thirdParty(op: 'WRITE' | 'FETCH_ADD' | 'CMP_SWAP', args: { addr: number; value?: number; add?: number; compare?: number; swap?: number }): void {
    this.scanMemory();
    const old = this.word(args.addr);
    let next = old;
    if (op === 'WRITE') next = args.value ?? 0;
    else if (op === 'FETCH_ADD') next = old + (args.add ?? 0);
    else if (old === (args.compare ?? 0)) next = args.swap ?? 0;
    this.record({ kind: 'ThirdParty', host: 'C', op, ...args, old });
    this.setWord(args.addr, next);
  }

  private checkWatches(): void {
    for (const w of this.watches) {
      if (w.fired || w.addr < 0 || w.addr >= this.memory.length || this.word(w.addr) !== w.expect) continue;
      w.fired = true;
      this.later(w.appDelayNs, () => {
        this.scanMemory();
        this.record({ kind: 'AppConsume', host: 'B', addr: w.addr, value: this.word(w.addr) });
        this.record({ kind: 'AppReuse', host: 'B', addr: w.addr, value: w.value });
        this.setWord(w.addr, w.value);
      });
    }
  }

  // ------------------------------------------------------------------ memory

  private word(addr: number): number {
    return Number(this.memory[addr]);
  }

  /** A CPU write: reported NIC changes first, so the write is never mistaken for a remote one. */
  private setWord(addr: number, value: number): void {
    this.scanMemory();
    this.memory[addr] = BigInt(value);
    this.snapshot[addr] = this.memory[addr];
    this.checkWatches();
  }

  /** Reports every word the NIC changed since the last scan. */
  scanMemory(): void {
    const t = this.now();
    for (let a = 0; a < this.memory.length; a++) {
      const v = this.memory[a];
      if (v === this.snapshot[a]) continue;
      this.o.sink.nicWrite({ host: this.host, addr: a, old: Number(this.snapshot[a]), value: Number(v), t });
      this.snapshot[a] = v;
    }
  }

  /** Final memory as numbers. */
  memoryWords(): number[] {
    this.scanMemory();
    return Array.from(this.memory, (v) => Number(v));
  }

  // ------------------------------------------------------------------ timers

  private later(delayNs: number, fn: () => void): void {
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
    for (const end of this.ends) this.pollAsync(end);
    for (const end of this.ends) this.pollCq(end);
    this.scanMemory();
    this.checkWatches();
  }

  /** True while this host still has work in flight (WRs, queued posts, timers, reconnects). */
  busy(): boolean {
    if (this.timers.size > 0) return true;
    return this.ends.some((e) => e.sends.length > 0 || e.queued.length > 0 || e.state === 'RECONNECTING');
  }

  private pollAsync(end: PathEnd): void {
    let events;
    try {
      events = end.ctx.asyncEvents();
    } catch {
      return;
    }
    for (const ev of events) {
      if (ev.type !== 'PORT_ERR' && ev.type !== 'PORT_ACTIVE') continue;
      const event = ev.type;
      this.record({ kind: 'PortEvent', host: this.host, obs: this.host, path: end.index, event });
      this.callLayer('onPortEvent', (l) => l.onPortEvent?.(end.index, event));
    }
  }

  private pollCq(end: PathEnd): void {
    for (;;) {
      const wcs = end.cq.poll(32);
      for (const wc of wcs) this.onWc(end, wc);
      if (wcs.length < 32) return;
    }
  }

  private onWc(end: PathEnd, wc: VerbsWc): void {
    const token = this.tokens.get(wc.wrId);
    if (!token) return; // a completion of a WR a reset already discarded
    const status = wc.status as WcStatus;
    if (token.kind === 'send') {
      // Completions are FIFO per send queue: unsignaled WRs before this one finished silently.
      const k = end.sends.indexOf(token);
      for (const earlier of end.sends.slice(0, Math.max(0, k))) this.finish(end, earlier, 'SUCCESS');
      end.sends = end.sends.slice(k + 1);
      const wr = token.wr as SendWr;
      const value = status === 'SUCCESS' && (wr.opcode === 'READ' || wr.opcode === 'FETCH_ADD' || wr.opcode === 'CMP_SWAP')
        ? Number(end.scratch[token.slot * SLOT_WORDS]) : undefined;
      this.finish(end, token, status, value);
      if (status !== 'SUCCESS') this.noteErr(end, status);
      const wcOut: WorkCompletion = { wrId: wr.id, status, opcode: wr.opcode, ...(value !== undefined ? { value } : {}) };
      this.observeCompletion(end.index, wcOut);
      return;
    }
    end.recvs = end.recvs.filter((r) => r !== token);
    this.tokens.delete(token.id);
    const recv = token.wr as RecvWr;
    let wcOut: WorkCompletion = { wrId: recv.id, status, opcode: 'RECV' };
    if (status === 'SUCCESS') {
      const peer: LayerHost = this.host === 'A' ? 'B' : 'A';
      if (wc.opcode === 'RECV_RDMA_WITH_IMM') {
        // The sender's WR id is not on the wire: the driver attributes it by imm afterwards.
        this.record({ kind: 'RecvConsumed', host: this.host, path: end.index, recvWr: recv.id, from: peer, wr: -1, imm: wc.imm, inferred: true });
        wcOut = { ...wcOut, withImm: true, ...(wc.imm !== undefined ? { imm: wc.imm } : {}) };
      } else {
        const m = decodeMessage(end.scratch, token.slot, wc.byteLen);
        this.record({ kind: 'RecvConsumed', host: this.host, path: end.index, recvWr: recv.id, from: peer, wr: m.wrId,
          ...(m.value !== undefined ? { value: m.value } : {}), ...(wc.imm !== undefined ? { imm: wc.imm } : {}) });
        wcOut = { ...wcOut, ...(m.value !== undefined ? { value: m.value } : {}), ...(wc.imm !== undefined ? { imm: wc.imm } : {}),
          ...(m.payload ? { payload: m.payload } : {}) };
      }
    } else {
      this.noteErr(end, status);
    }
    end.freeSlots.push(token.slot);
    this.observeCompletion(end.index, wcOut);
  }

  private observeCompletion(path: number, wc: WorkCompletion): void {
    this.record({ kind: 'Completion', host: this.host, obs: this.host, path, wc });
    this.callLayer('onCompletion', (l) => l.onCompletion(path, { ...wc }));
  }

  /** A send token is done: free its slot, report its outcome. */
  private finish(end: PathEnd, token: Token, status: Outcome['status'], value?: number): void {
    this.tokens.delete(token.id);
    end.freeSlots.push(token.slot);
    this.o.sink.outcome({ host: this.host, path: end.index, wr: token.wr as SendWr, postedAt: token.postedAt, status,
      ...(value !== undefined ? { value } : {}), ...(status !== 'discarded' && status !== 'pending' ? { completedAt: this.now() } : {}) });
  }

  /** An error completion moved the QP to ERR (RC semantics); record it once, as observed. */
  private noteErr(end: PathEnd, status: WcStatus): void {
    if (end.state !== 'RTS') return;
    let state = 'ERR';
    try {
      state = end.qp.query().state;
    } catch {
      // keep the RC rule's answer
    }
    if (state !== 'ERR') return;
    end.state = 'ERR';
    this.record({ kind: 'QpState', host: this.host, path: end.index, from: 'RTS', to: 'ERR', reason: `completion ${status}` });
  }

  // ------------------------------------------------------------------ posting

  private allocToken(end: PathEnd, kind: 'send' | 'recv', wr: SendWr | RecvWr): Token | string {
    const slot = end.freeSlots.pop();
    if (slot === undefined) return `no free buffer slot on path ${end.index} (more than ${SLOTS_PER_PATH} WRs outstanding)`;
    const token: Token = { id: this.nextToken++, path: end.index, kind, wr, slot, postedAt: this.now(),
      signaled: kind === 'recv' || (wr as SendWr).signaled !== false };
    this.tokens.set(token.id, token);
    return token;
  }

  private verbsSendWr(end: PathEnd, token: Token): VerbsSendWr {
    const wr = token.wr as SendWr;
    const base = token.slot * SLOT_WORDS;
    const local = { mr: end.scratchMr, offset: token.slot * SLOT_BYTES, length: WORD_BYTES };
    const remoteAddr = BigInt(end.peer!.addr) + BigInt((wr.addr ?? 0) * WORD_BYTES);
    const common = { wrId: token.id, signaled: token.signaled, fence: wr.fence === true };
    const rkey = end.peer!.rkey;
    switch (wr.opcode) {
      case 'WRITE':
      case 'WRITE_WITH_IMM':
        end.scratch[base] = BigInt(wr.value ?? 0);
        return { ...common, opcode: wr.opcode, local, remoteAddr, rkey, ...(wr.opcode === 'WRITE_WITH_IMM' ? { imm: (wr.imm ?? 0) >>> 0 } : {}) };
      case 'READ':
        end.scratch[base] = 0n;
        return { ...common, opcode: 'READ', local, remoteAddr, rkey };
      case 'FETCH_ADD':
        return { ...common, opcode: 'FETCH_ADD', local, remoteAddr, rkey, compareAdd: BigInt(wr.add ?? 0) };
      case 'CMP_SWAP':
        return { ...common, opcode: 'CMP_SWAP', local, remoteAddr, rkey, compareAdd: BigInt(wr.compare ?? 0), swap: BigInt(wr.swap ?? 0) };
      case 'SEND': {
        const length = encodeMessage(end.scratch, token.slot, wr);
        const op = wr.imm !== undefined ? 'SEND_WITH_IMM' : 'SEND';
        return { ...common, opcode: op, local: { ...local, length }, ...(wr.imm !== undefined ? { imm: wr.imm >>> 0 } : {}) };
      }
    }
  }

  private postToken(end: PathEnd, token: Token): string | undefined {
    try {
      if (token.kind === 'send') {
        end.qp.postSend([this.verbsSendWr(end, token)]);
        end.sends.push(token);
      } else {
        end.qp.postRecv([{ wrId: token.id, local: { mr: end.scratchMr, offset: token.slot * SLOT_BYTES, length: SLOT_BYTES } }]);
        end.recvs.push(token);
      }
      return undefined;
    } catch (err) {
      this.tokens.delete(token.id);
      end.freeSlots.push(token.slot);
      return describe(err);
    }
  }

  // ------------------------------------------------------------------ reconnect (env.reset)

  /**
   * env.reset(path): this QP goes RESET -> INIT at once (its WQEs are discarded without
   * completions); the peer re-arms its end for our fresh PSN over the harness channel, and then
   * we go RTR -> RTS. Posts made meanwhile are queued and posted in order once we are in RTS.
   */
  private resetPath(end: PathEnd): void {
    const from = end.state === 'RECONNECTING' ? 'RTS' : end.state;
    end.qp.modify({ state: 'RESET' });
    this.record({ kind: 'QpState', host: this.host, path: end.index, from, to: 'RESET', reason: 'reset by the layer' });
    for (const t of end.sends) this.finish(end, t, 'discarded');
    for (const t of end.recvs) {
      this.tokens.delete(t.id);
      end.freeSlots.push(t.slot);
    }
    end.sends = [];
    end.recvs = [];
    this.toInit(end);
    this.record({ kind: 'QpState', host: this.host, path: end.index, from: 'RESET', to: 'INIT', reason: 'reset by the layer' });
    end.state = 'RECONNECTING';
    end.psn = this.freshPsn(end.index);
    const psn = end.psn;
    this.o.sink.peerReset(end.index, psn).then(
      (peerPsn) => {
        if (end.psn !== psn) return; // a later reset superseded this one
        this.toRts(end, { ...end.peer!, psn: peerPsn });
        this.record({ kind: 'QpState', host: this.host, path: end.index, from: 'INIT', to: 'RTS', reason: 'reset by the layer' });
        const queued = end.queued;
        end.queued = [];
        for (const q of queued) this.postToken(end, q.token);
      },
      (err) => this.layerFault('reset', `the peer did not re-arm path ${end.index}: ${describe(err)}`),
    );
  }

  /**
   * The peer reset its end of `path` and starts at `peerPsn`: re-arm ours for the new connection
   * (as the simulator does: our responder state starts afresh, our posted RECVs stay, our
   * unfinished sends go out again on the new connection). A QP in ERR stays in ERR.
   */
  onPeerReset(path: number, peerPsn: number): number {
    const end = this.ends[path];
    if (end.state === 'ERR' || !end.peer) {
      end.peer = end.peer && { ...end.peer, psn: peerPsn };
      return end.psn;
    }
    if (end.state === 'RECONNECTING') {
      // Both ends reset at once: our own reconnect carries on; answer with our pending PSN.
      end.peer = { ...end.peer, psn: peerPsn };
      return end.psn;
    }
    const sends = end.sends;
    const recvs = end.recvs;
    end.qp.modify({ state: 'RESET' });
    this.toInit(end);
    end.psn = this.freshPsn(path);
    this.toRts(end, { ...end.peer, psn: peerPsn });
    end.sends = [];
    end.recvs = [];
    // Fresh tokens: CQ entries of the old QP incarnation must not match the re-posted WRs.
    for (const old of [...recvs, ...sends]) {
      this.tokens.delete(old.id);
      const token: Token = { ...old, id: this.nextToken++ };
      this.tokens.set(token.id, token);
      const err = this.postToken(end, token);
      if (err && token.kind === 'send') this.finish(end, token, 'discarded');
    }
    return end.psn;
  }

  // ------------------------------------------------------------------ faults on this host

  /** Forces this host's QP of `path` to ERR (fault qp-error): its queues flush. */
  forceError(path: number): void {
    const end = this.ends[path];
    const from = end.state === 'RECONNECTING' ? 'INIT' : end.state;
    end.qp.modify({ state: 'ERR' });
    end.state = 'ERR';
    this.record({ kind: 'QpState', host: this.host, path, from, to: 'ERR', reason: 'fault: qp-error' });
  }

  /** Outcomes of WRs still outstanding at the end of the run. */
  flushOutcomes(): void {
    for (const end of this.ends) {
      for (const t of [...end.sends, ...end.queued.filter((q) => q.kind === 'send').map((q) => q.token)]) this.finish(end, t, 'pending');
      end.sends = [];
    }
  }

  // ------------------------------------------------------------------ the LayerEnv

  private makeEnv(): LayerEnv {
    const host = this.host;
    const paths = this.ends.length;

    const refuse = (kind: 'Post' | 'PostRecv', path: number, wr: SendWr | RecvWr, error: string, misuse: boolean): PostResult => {
      if (kind === 'Post') this.record({ kind, host, path, wr: wr as SendWr, ok: false, error });
      else this.record({ kind, host, path, wr: wr as RecvWr, ok: false, error });
      if (misuse) this.layerFault(kind === 'Post' ? 'post' : 'postRecv', error);
      return { ok: false, error };
    };

    const post = (path: number, wrIn: SendWr): PostResult => {
      const wr: SendWr = copyWr(wrIn);
      const misuse = postMisuse(host, path, paths, wr, this.appSendIds);
      if (misuse) return refuse('Post', path, wr, misuse, true);
      const end = this.ends[path];
      const token = this.allocToken(end, 'send', wr);
      if (typeof token === 'string') return refuse('Post', path, wr, token, false);
      this.hooks.beforePost?.(host, path, wr);
      if (end.state === 'RECONNECTING') {
        end.queued.push({ kind: 'send', token });
        this.record({ kind: 'Post', host, path, wr, ok: true });
        return { ok: true };
      }
      const err = this.postToken(end, token);
      if (err) return refuse('Post', path, wr, err, false);
      this.record({ kind: 'Post', host, path, wr, ok: true });
      return { ok: true };
    };

    const postRecv = (path: number, wrIn: RecvWr): PostResult => {
      const wr = { ...wrIn };
      const misuse = postRecvMisuse(host, path, paths, wr, this.appRecvIds);
      if (misuse) return refuse('PostRecv', path, wr, misuse, true);
      const end = this.ends[path];
      const token = this.allocToken(end, 'recv', wr);
      if (typeof token === 'string') return refuse('PostRecv', path, wr, token, false);
      const err = this.postToken(end, token);
      if (err) return refuse('PostRecv', path, wr, err, false);
      this.record({ kind: 'PostRecv', host, path, wr, ok: true });
      return { ok: true };
    };

    const deliver = (wcIn: WorkCompletion): void => {
      const wc = { ...wcIn, ...(wcIn.payload ? { payload: [...wcIn.payload] } : {}) };
      this.record({ kind: 'Deliver', host, wc });
      const isRecv = wc.opcode === 'RECV';
      const key = `${isRecv ? 'recv' : 'send'}:${wc.wrId}`;
      if (!(isRecv ? this.appRecvIds : this.appSendIds).has(wc.wrId)) {
        this.layerFault('deliver', `delivered a completion for ${isRecv ? 'RECV' : 'WR'} ${wc.wrId}, which the application never posted`);
      } else if (this.delivered.has(key)) {
        this.layerFault('deliver', `delivered a second completion for ${isRecv ? 'RECV' : 'WR'} ${wc.wrId}`);
      }
      this.delivered.add(key);
    };

    const setTimer = (delayNs: number, token: string): void => {
      if (!(Number.isFinite(delayNs) && delayNs >= 0) || typeof token !== 'string') {
        this.layerFault('setTimer', `setTimer needs a delay >= 0 ns and a string token (got ${String(delayNs)}, ${typeof token})`);
        return;
      }
      this.record({ kind: 'SetTimer', host, delayNs, token });
      this.later(delayNs * (this.o.timerScale ?? 1), () => {
        this.record({ kind: 'TimerFired', host, obs: host, token });
        this.callLayer('onTimer', (l) => l.onTimer?.(token));
      });
    };

    const sendControl = (msgIn: unknown): void => {
      let msg: unknown;
      try {
        msg = JSON.parse(JSON.stringify(msgIn ?? null));
      } catch (err) {
        this.layerFault('sendControl', `control messages must be plain JSON data (${String(err)})`);
        return;
      }
      this.record({ kind: 'SendControl', host, msg });
      this.o.sink.control(msg);
    };

    const reset = (path: number): void => {
      const pathErr = badPath(path, paths);
      if (pathErr) return this.layerFault('reset', pathErr);
      this.record({ kind: 'Reset', host, path });
      try {
        this.resetPath(this.ends[path]);
      } catch (err) {
        this.layerFault('reset', `reconnecting path ${path} failed: ${describe(err)}`);
      }
    };

    return { host, paths, memoryWords: this.o.config.memoryWords, post, postRecv, reset, deliver, setTimer, sendControl, memory: this.makeMemory(), now: () => this.handlerT ?? this.now() };
  }

  /** Hooks the driver sets (fault anchors that must act before a WR reaches the NIC). */
  hooks: { beforePost?: (host: LayerHost, path: number, wr: SendWr) => void } = {};

  /** A control message from the peer's layer arrived. */
  deliverControl(msg: unknown): void {
    this.record({ kind: 'ControlReceived', host: this.host, obs: this.host, msg });
    this.callLayer('onControl', (l) => l.onControl?.(JSON.parse(JSON.stringify(msg))));
  }

  private makeMemory(): LocalMemory {
    const host = this.host;
    const valid = (op: string, addr: number): boolean => {
      if (Number.isInteger(addr) && addr >= 0 && addr < this.memory.length) return true;
      this.layerFault(`memory.${op}`, `address ${String(addr)} is outside this host's memory (0..${this.memory.length - 1})`);
      return false;
    };
    const forWr = (o?: MemOpOptions) => (o?.forWr !== undefined ? { forWr: o.forWr } : {});
    return {
      read: (addr) => {
        if (!valid('read', addr)) return 0;
        this.scanMemory();
        const old = this.word(addr);
        this.record({ kind: 'MemOp', host, op: 'read', addr, old });
        return old;
      },
      write: (addr, value, o) => {
        if (!valid('write', addr)) return;
        this.scanMemory();
        this.record({ kind: 'MemOp', host, op: 'write', addr, value, old: this.word(addr), ...forWr(o) });
        this.setWord(addr, value);
      },
      fetchAdd: (addr, add, o) => {
        if (!valid('fetchAdd', addr)) return 0;
        this.scanMemory();
        const old = this.word(addr);
        this.record({ kind: 'MemOp', host, op: 'fetchAdd', addr, add, old, ...forWr(o) });
        this.setWord(addr, old + add);
        return old;
      },
      cmpSwap: (addr, compare, swap, o) => {
        if (!valid('cmpSwap', addr)) return 0;
        this.scanMemory();
        const old = this.word(addr);
        this.record({ kind: 'MemOp', host, op: 'cmpSwap', addr, compare, swap, old, ...forWr(o) });
        if (old === compare) this.setWord(addr, swap);
        return old;
      },
    };
  }
}

/** A thrown value as one line. */
export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
