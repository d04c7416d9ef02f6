/**
 * One host's RDMA resources per path (device, PD, CQ, MRs, QP), the WRs it has outstanding on
 * them, and every change of a QP's connection: connecting to the peer, the one-ended reset behind
 * env.reset (explicit PSNs, the peer untouched, as in the simulator), and a QP moved to ERR by the
 * layer (env.moveToError) or by a fault.
 */
import { describeError } from '../../src/core/errors';
import type { QpState, RecvWr, SendWr } from '../../src/core/verbs';
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
  /** The PSN the next send WR posted on this QP carries (every WR here is one packet: one word). */
  nextPsn = 0;
  /** INIT until connected, then RTS, or ERR after an error or a move to ERR (until a reset). */
  state: 'INIT' | 'RTS' | 'ERR' = 'INIT';
  sends: Token[] = [];
  recvs: Token[] = [];
  constructor(
    readonly index: number,
    readonly opts: NativePathOptions,
  ) {}
}

/** Scratch buffer slots per path: at most this many WRs outstanding on one path. */
export const SLOTS_PER_PATH = 256;

/** The first PSN of every connection at the start of a run, both ways: 0, as in the simulator. */
export const INITIAL_PSN = 0;

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
      return this.info(end);
    });
  }

  private info(end: PathEnd): EndpointInfo {
    const port = end.opts.port ?? 1;
    return {
      qpNum: end.qp.qpNum,
      gid: end.ctx.queryGid(port, end.opts.gidIndex ?? 1),
      psn: INITIAL_PSN,
      rkey: end.memMr.rkey,
      addr: end.memMr.addr.toString(),
    };
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

  /**
   * INIT -> RTR towards the peer's QP: the receive PSN is set here and only here (the RTS -> RTS
   * attributes do not include it), so only a reset changes what this end expects.
   */
  private toRtr(end: PathEnd, peer: EndpointInfo, rqPsn: number): void {
    const c = this.config;
    end.peer = peer;
    end.qp.modify({
      state: 'RTR',
      pathMtu: c.pathMtu,
      destQpNum: peer.qpNum,
      rqPsn,
      maxDestRdAtomic: c.maxDestRdAtomic,
      minRnrTimer: c.minRnrTimer,
      ah: { dgid: peer.gid, sgidIndex: end.opts.gidIndex ?? 1, portNum: end.opts.port ?? 1, hopLimit: 64 },
    });
  }

  /** RTR -> RTS: this end's requests start at `sqPsn`. */
  private toRts(end: PathEnd, sqPsn: number): void {
    const c = this.config;
    end.qp.modify({
      state: 'RTS',
      timeout: c.timeout,
      retryCnt: c.retryCnt,
      rnrRetry: c.rnrRetry,
      sqPsn,
      maxRdAtomic: c.maxRdAtomic,
    });
    end.state = 'RTS';
    end.nextPsn = sqPsn;
  }

  /** Connects every path to the peer's endpoints (both ends call this once, after open()). */
  connect(peers: EndpointInfo[]): void {
    this.ends.forEach((end, i) => {
      this.toRtr(end, peers[i], peers[i].psn);
      this.toRts(end, INITIAL_PSN);
    });
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

  /** True while a path still has WRs in flight. */
  busy(): boolean {
    return this.ends.some((e) => e.sends.length > 0);
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
      for (const t of end.sends) this.finish(end, t, 'pending');
      end.sends = [];
    }
  }

  // ------------------------------------------------------------------ reset and ERR

  /**
   * env.reset(path, psns): this QP alone goes RESET -> INIT -> RTR (expecting `rqPsn`) -> RTS
   * (sending from `sqPsn`), at once. Its WQEs are discarded without completions (rxe_qp_reset);
   * CQEs already polled-for stay in the CQ and are ignored (their tokens are gone). The peer is
   * not touched: it expects its old PSN until its own layer resets it, exactly as in the simulator.
   */
  resetPath(end: PathEnd, sqPsn: number, rqPsn: number): void {
    const step = (from: QpState, to: QpState): void =>
      this.rt.record({ kind: 'QpState', host: this.rt.host, path: end.index, from, to, reason: 'reset by the layer' });
    const from = end.state;
    end.qp.modify({ state: 'RESET' });
    step(from, 'RESET');
    for (const t of end.sends) this.finish(end, t, 'discarded');
    for (const t of end.recvs) {
      this.tokens.delete(t.id);
      end.freeSlots.push(t.slot);
    }
    end.sends = [];
    end.recvs = [];
    this.toInit(end);
    step('RESET', 'INIT');
    this.toRtr(end, end.peer!, rqPsn);
    step('INIT', 'RTR');
    this.toRts(end, sqPsn);
    step('RTR', 'RTS');
  }

  /**
   * Moves this host's QP of `path` to ERR (env.moveToError, or the fault qp-error): the NIC flushes
   * its queues, so every outstanding WQE completes with WR_FLUSH_ERR through the CQ. A QP already
   * in ERR is left as it is, as in the simulator.
   */
  forceError(path: number, reason: string): void {
    const end = this.ends[path];
    if (end.state === 'ERR') return;
    const from = end.state;
    end.qp.modify({ state: 'ERR' });
    end.state = 'ERR';
    this.rt.record({ kind: 'QpState', host: this.rt.host, path, from, to: 'ERR', reason });
  }
}
