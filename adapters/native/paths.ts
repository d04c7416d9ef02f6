/**
 * One host's RDMA resources per path (device, PD, CQ, MRs, QP), the WRs it has outstanding on
 * them, and every change of a QP's connection: connecting to the peer, the coordinated reconnect
 * behind env.reset, the peer's reconnect, and a QP forced to ERR by a fault.
 */
import { describeError } from '../../src/core/errors';
import type { RecvWr, SendWr } from '../../src/core/verbs';
import type { VerbsAddon, VerbsContext, VerbsCq, VerbsMr, VerbsPd, VerbsQp, VerbsSendWr } from './binding';
import type { EndpointInfo, NativePathOptions, WireConfig } from './config';
import { WORD_BYTES } from './config';
import type { HostContext, HostSink, Outcome } from './hostContext';
import { encodeMessage, SLOT_BYTES, SLOT_WORDS } from './message';

/** A posted WR the NIC has not finished (send or receive). */
export interface Token {
  id: number;
  path: number;
  kind: 'send' | 'recv';
  wr: SendWr | RecvWr;
  slot: number;
  postedAt: number;
  signaled: boolean;
}

/** One path's resources on this host. */
export class PathEnd {
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
  /** The PSN the next send WR posted on this QP carries (every WR here is one packet: one word). */
  nextPsn = 0;
  /** RTS, ERR, or RECONNECTING while a coordinated reset is in progress. */
  state: 'INIT' | 'RTS' | 'ERR' | 'RECONNECTING' = 'INIT';
  sends: Token[] = [];
  recvs: Token[] = [];
  /** Posts made while reconnecting; posted once the QP is back in RTS. */
  queued: { kind: 'send' | 'recv'; token: Token }[] = [];
  constructor(
    readonly index: number,
    readonly opts: NativePathOptions,
  ) {}
}

/** Scratch buffer slots per path: at most this many WRs outstanding on one path. */
export const SLOTS_PER_PATH = 256;

/** Who learns the wire identity (QP numbers, PSN) of each send WR as it is posted. */
export type WirePostHook = (post: { path: number; wr: SendWr; psn: number; ownQpn: number; peerQpn: number }) => void;

/** Every path of one host: its resources, its outstanding WRs (tokens) and its reconnects. */
export class HostPaths {
  readonly ends: PathEnd[];
  /** Called just before each send WR reaches the QP (exact packet faults key on its PSN). */
  onWirePost?: WirePostHook;
  /** Outstanding WRs by the wrId the NIC sees. */
  readonly tokens = new Map<number, Token>();
  private nextToken = 1;
  private psnEpoch = 0;

  constructor(
    private readonly rt: HostContext,
    private readonly addon: VerbsAddon,
    paths: NativePathOptions[],
    private readonly config: WireConfig,
    private readonly sink: HostSink,
  ) {
    this.ends = paths.map((p, i) => new PathEnd(i, p));
  }

  // ------------------------------------------------------------------ resources and connection

  /** Opens every path's device, PD, CQ, MRs (over `memoryBuffer`) and QP (left in INIT); returns what the peer needs. */
  open(memoryBuffer: ArrayBuffer): EndpointInfo[] {
    const access = ['LOCAL_WRITE', 'REMOTE_WRITE', 'REMOTE_READ', 'REMOTE_ATOMIC'] as const;
    return this.ends.map((end) => {
      end.ctx = this.addon.openDevice(end.opts.device);
      end.ctx.asyncEvents(); // drain events from before the run
      end.pd = end.ctx.allocPd();
      end.cq = end.ctx.createCq(1024);
      end.memMr = end.pd.regMr(memoryBuffer, [...access]);
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
    const base = this.rt.host === 'A' ? 0x100000 : 0x800000;
    return (base + path * 0x10000 + 0x100 * this.psnEpoch++) & 0xffffff;
  }

  private toInit(end: PathEnd): void {
    end.qp.modify({
      state: 'INIT',
      pkeyIndex: 0,
      portNum: end.opts.port ?? 1,
      access: ['LOCAL_WRITE', 'REMOTE_WRITE', 'REMOTE_READ', 'REMOTE_ATOMIC'],
    });
    end.state = 'INIT';
  }

  /** RTR then RTS towards the peer's endpoint: our sends start at end.psn, we expect peerPsn. */
  private toRts(end: PathEnd, peer: EndpointInfo): void {
    const c = this.config;
    end.peer = peer;
    end.qp.modify({
      state: 'RTR',
      pathMtu: c.pathMtu,
      destQpNum: peer.qpNum,
      rqPsn: peer.psn,
      maxDestRdAtomic: c.maxDestRdAtomic,
      minRnrTimer: c.minRnrTimer,
      ah: { dgid: peer.gid, sgidIndex: end.opts.gidIndex ?? 1, portNum: end.opts.port ?? 1, hopLimit: 64 },
    });
    end.qp.modify({
      state: 'RTS',
      timeout: c.timeout,
      retryCnt: c.retryCnt,
      rnrRetry: c.rnrRetry,
      sqPsn: end.psn,
      maxRdAtomic: c.maxRdAtomic,
    });
    end.state = 'RTS';
    end.nextPsn = end.psn;
  }

  /** Connects every path to the peer's endpoints (both ends call this once, after open()). */
  connect(peers: EndpointInfo[]): void {
    this.ends.forEach((end, i) => this.toRts(end, peers[i]));
  }

  /** Releases every device (its QPs first: see handles.h). */
  close(): void {
    for (const end of this.ends) {
      try {
        end.ctx?.close();
      } catch {
        // closing is best effort: the process exit releases the rest
      }
    }
  }

  /** True while a path still has WRs in flight, queued posts or a reconnect under way. */
  busy(): boolean {
    return this.ends.some((e) => e.sends.length > 0 || e.queued.length > 0 || e.state === 'RECONNECTING');
  }

  // ------------------------------------------------------------------ posting

  /** A token and a scratch slot for `wr` on `end`, or why there is none. */
  allocToken(end: PathEnd, kind: 'send' | 'recv', wr: SendWr | RecvWr): Token | string {
    const slot = end.freeSlots.pop();
    if (slot === undefined)
      return `no free buffer slot on path ${end.index} (more than ${SLOTS_PER_PATH} WRs outstanding)`;
    const token: Token = {
      id: this.nextToken++,
      path: end.index,
      kind,
      wr,
      slot,
      postedAt: this.rt.now(),
      signaled: kind === 'recv' || (wr as SendWr).signaled !== false,
    };
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
        return {
          ...common,
          opcode: wr.opcode,
          local,
          remoteAddr,
          rkey,
          ...(wr.opcode === 'WRITE_WITH_IMM' ? { imm: (wr.imm ?? 0) >>> 0 } : {}),
        };
      case 'READ':
        end.scratch[base] = 0n;
        return { ...common, opcode: 'READ', local, remoteAddr, rkey };
      case 'FETCH_ADD':
        return { ...common, opcode: 'FETCH_ADD', local, remoteAddr, rkey, compareAdd: BigInt(wr.add ?? 0) };
      case 'CMP_SWAP':
        return {
          ...common,
          opcode: 'CMP_SWAP',
          local,
          remoteAddr,
          rkey,
          compareAdd: BigInt(wr.compare ?? 0),
          swap: BigInt(wr.swap ?? 0),
        };
      case 'SEND': {
        const length = encodeMessage(end.scratch, token.slot, wr);
        const op = wr.imm !== undefined ? 'SEND_WITH_IMM' : 'SEND';
        return {
          ...common,
          opcode: op,
          local: { ...local, length },
          ...(wr.imm !== undefined ? { imm: wr.imm >>> 0 } : {}),
        };
      }
    }
  }

  /** Posts `token` to its QP; on failure frees it and returns why. */
  postToken(end: PathEnd, token: Token): string | undefined {
    try {
      if (token.kind === 'send') {
        const verbsWr = this.verbsSendWr(end, token);
        const wr = token.wr as SendWr;
        this.onWirePost?.({ path: end.index, wr, psn: end.nextPsn, ownQpn: end.qp.qpNum, peerQpn: end.peer!.qpNum });
        end.qp.postSend([verbsWr]);
        end.nextPsn = (end.nextPsn + 1) & 0xffffff;
        end.sends.push(token);
      } else {
        end.qp.postRecv([
          { wrId: token.id, local: { mr: end.scratchMr, offset: token.slot * SLOT_BYTES, length: SLOT_BYTES } },
        ]);
        end.recvs.push(token);
      }
      return undefined;
    } catch (err) {
      this.tokens.delete(token.id);
      end.freeSlots.push(token.slot);
      return describeError(err);
    }
  }

  /** A send token is done: free its slot, report its outcome. */
  finish(end: PathEnd, token: Token, status: Outcome['status'], value?: number): void {
    this.tokens.delete(token.id);
    end.freeSlots.push(token.slot);
    this.sink.outcome({
      host: this.rt.host,
      path: end.index,
      wr: token.wr as SendWr,
      postedAt: token.postedAt,
      status,
      ...(value !== undefined ? { value } : {}),
      ...(status !== 'discarded' && status !== 'pending' ? { completedAt: this.rt.now() } : {}),
    });
  }

  /** Outcomes of WRs still outstanding at the end of the run. */
  flushOutcomes(): void {
    for (const end of this.ends) {
      for (const t of [...end.sends, ...end.queued.filter((q) => q.kind === 'send').map((q) => q.token)])
        this.finish(end, t, 'pending');
      end.sends = [];
    }
  }

  // ------------------------------------------------------------------ reconnect (env.reset)

  /**
   * env.reset(path): this QP goes RESET -> INIT at once (its WQEs are discarded without
   * completions); the peer re-arms its end for our fresh PSN over the harness channel, and then
   * we go RTR -> RTS. Posts made meanwhile are queued and posted in order once we are in RTS.
   */
  resetPath(end: PathEnd): void {
    const from = end.state === 'RECONNECTING' ? 'RTS' : end.state;
    end.qp.modify({ state: 'RESET' });
    this.rt.record({
      kind: 'QpState',
      host: this.rt.host,
      path: end.index,
      from,
      to: 'RESET',
      reason: 'reset by the layer',
    });
    for (const t of end.sends) this.finish(end, t, 'discarded');
    for (const t of end.recvs) {
      this.tokens.delete(t.id);
      end.freeSlots.push(t.slot);
    }
    end.sends = [];
    end.recvs = [];
    this.toInit(end);
    this.rt.record({
      kind: 'QpState',
      host: this.rt.host,
      path: end.index,
      from: 'RESET',
      to: 'INIT',
      reason: 'reset by the layer',
    });
    end.state = 'RECONNECTING';
    end.psn = this.freshPsn(end.index);
    const psn = end.psn;
    this.sink.peerReset(end.index, psn).then(
      (peerPsn) => {
        if (end.psn !== psn) return; // a later reset superseded this one
        this.toRts(end, { ...end.peer!, psn: peerPsn });
        this.rt.record({
          kind: 'QpState',
          host: this.rt.host,
          path: end.index,
          from: 'INIT',
          to: 'RTS',
          reason: 'reset by the layer',
        });
        const queued = end.queued;
        end.queued = [];
        for (const q of queued) this.postToken(end, q.token);
      },
      (err) => this.rt.layerFault('reset', `the peer did not re-arm path ${end.index}: ${describeError(err)}`),
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

  /** Forces this host's QP of `path` to ERR (fault qp-error): its queues flush. */
  forceError(path: number): void {
    const end = this.ends[path];
    const from = end.state === 'RECONNECTING' ? 'INIT' : end.state;
    end.qp.modify({ state: 'ERR' });
    end.state = 'ERR';
    this.rt.record({ kind: 'QpState', host: this.rt.host, path, from, to: 'ERR', reason: 'fault: qp-error' });
  }
}
