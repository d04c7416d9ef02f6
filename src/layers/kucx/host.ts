/**
 * One host of the kucx model (both hosts run the same code): the rc_fo data path (ep.c, iface.c),
 * device fault flags (ibfo.c, iface.c:345-373) and the UCP failover contexts (./failover), at
 * KUCX_COMMIT; abbreviations in ./source.
 */
import type { LayerEnv, LayerInstance } from '../../core/layer';
import type { RecvWr, SendWr, WorkCompletion } from '../../core/verbs';
import { LayerIds } from '../common/ids';
import { RecvRelay } from '../common/recvRelay';
import { Endpoint } from './endpoint';
import type { Op } from './endpoint';
import { newCtx, onMetaReply, onMetaRequest, progressLane } from './failover';
import type { FailoverCtx, FailoverHost } from './failover';
import { isKucxMessage } from './messages';
import type { KucxMessage, MetaMessage } from './messages';
import { KUCX_PROGRESS_NS } from './source';

/** uct_dev_fault_status_t: the per-device fault flag (ibfo.c, iface.c:352-365). */
type DeviceFlag = 'none' | 'in-progress' | 'migrating' | 'migrated';

const PROGRESS = 'kucx-progress';
/**
 * RX statuses that fail the device over: of those ibfo.c:uct_ib_poll_cq_wr_status_need_failover:78-89
 * lists (REM_OP, RETRY_EXC, FATAL, RESP_TIMEOUT; FLUSH and REM_ABORT skipped), the two the
 * simulator produces. The source also stops processing the polled batch at the first such error
 * (iface.c:325); the model gets one CQE per poll, so there is no batch to stop.
 */
const RX_FAILOVER_STATUSES = new Set(['REM_OP_ERR', 'RETRY_EXC_ERR']);

/** The context's next step waits for the peer (ucp.c:891-894 META reply, 814-816 rkey reply). */
function waitingForPeer(c: FailoverCtx): boolean {
  return (c.sent && !c.reply) || (c.rkey.reqSent && !c.rkey.replied);
}

/** Creates one host's instance of the kucx model. */
export function createKucxHost(env: LayerEnv): LayerInstance {
  return new KucxHost(env);
}

class KucxHost implements LayerInstance, FailoverHost {
  readonly paths: number;
  /** The UCP lane new operations go to. */
  private lane = 0;
  private readonly eps: Endpoint[];
  private readonly device: DeviceFlag[];
  /** CQEs of a device in MIGRATING/MIGRATED: iface progress no longer polls them (iface.c:352-365). */
  private readonly unpolled: WorkCompletion[][];
  /** CQEs polled per device since the last progress call (the drain's "count"). */
  private readonly polled: number[];
  private readonly discardedLanes = new Set<number>();
  private readonly discardedDevices = new Set<number>();
  private readonly ctxs = new Map<number, FailoverCtx>();
  /** Operations UCP holds back while the lane is failing over (UCS_ERR_BUSY -> pending). */
  private readonly pending: SendWr[] = [];
  private readonly relay: RecvRelay;
  private ticking = false;
  private aborted = false;

  constructor(private readonly env: LayerEnv) {
    this.paths = env.paths;
    this.eps = Array.from({ length: env.paths }, () => new Endpoint());
    this.device = Array.from({ length: env.paths }, (): DeviceFlag => 'none');
    this.unpolled = Array.from({ length: env.paths }, () => []);
    this.polled = Array.from({ length: env.paths }, () => 0);
    this.relay = new RecvRelay(env, new LayerIds(), { mode: 'mirror', spare: 4, onPathError: () => undefined });
    this.relay.start();
  }

  /**
   * A UCP send: BUSY (held in pending) while the lane's endpoint fails over or its device is
   * MIGRATING (ep.c:267-275, 472-480, 747-755); otherwise one op on the lane.
   */
  postSend(wr: SendWr): void {
    if (this.aborted) return;
    if (this.eps[this.lane].fault !== 'none' || this.deviceAtLeast(this.lane, 'migrating')) {
      this.pending.push(wr);
      return;
    }
    this.issue(this.lane, wr);
  }

  postRecv(wr: RecvWr): void {
    if (!this.aborted) this.relay.postApp(wr);
  }

  onCompletion(path: number, wc: WorkCompletion): void {
    if (this.aborted) return;
    // iface.c:352-365: a device past IN_PROGRESS is not polled by iface progress; only the
    // failover's pre-handle drains it.
    if (this.deviceAtLeast(path, 'migrating')) {
      this.unpolled[path].push(wc);
      return;
    }
    this.polled[path]++;
    if (wc.opcode === 'RECV') this.onRx(path, wc, false);
    else this.onTx(path, wc, false);
  }

  /** ib_device.c:406-409 with ibfo.c:62-76: PORT_ERR sets the device's fault flag; nothing resets it. */
  onPortEvent(path: number, event: 'PORT_ERR' | 'PORT_ACTIVE'): void {
    if (this.aborted || event !== 'PORT_ERR') return;
    this.setDeviceFault(path);
  }

  onTimer(token: string): void {
    if (token !== PROGRESS || this.aborted) return;
    this.ticking = false;
    this.progress();
  }

  onControl(msg: unknown): void {
    if (this.aborted || !isKucxMessage(msg)) return;
    this.onMessage(msg);
    this.arm();
  }

  // --- the data path -------------------------------------------------------------------------

  /**
   * ep.c:uct_rc_failover_ep_post_send:122-168: a device fault flag at IN_PROGRESS or the endpoint's
   * fault flag make the post a no-op that still counts the op (133-140); a refused post is EFAULT,
   * a device fault (157-161). Every WR signaled (moderation 1: KUCX_OMISSIONS).
   */
  private issue(path: number, wr: SendWr): Op {
    const ep = this.eps[path];
    const silent = this.deviceAtLeast(path, 'in-progress') || ep.fault !== 'none';
    const op = ep.produce(wr);
    if (!silent && !this.env.post(path, { ...wr, signaled: true }).ok) this.setDeviceFault(path);
    return op;
  }

  /**
   * iface.c:uct_rc_failover_iface_poll_tx:148-197: a CQE completes every op up to its wr_id even
   * with an error status, which is only logged ("depend on peer-end", 175-181). With `simple`
   * (iface.c:simply_poll_tx:381-415, the pre-handle drain) an error CQE is skipped.
   */
  private onTx(path: number, wc: WorkCompletion, simple: boolean): void {
    if (simple && wc.status !== 'SUCCESS') return;
    const ep = this.eps[path];
    const sn = ep.snFor(wc.wrId);
    // Model glue: a CQE whose wr_id maps to no outstanding sequence number (already completed
    // cumulatively by a later CQE) completes nothing, as the source's ci catch-up would (iface.c:148-197).
    if (sn === undefined) return;
    const done = ep.completeUpTo(sn);
    for (const op of done) this.deliverSuccess(op, op.wr.id === wc.wrId && wc.status === 'SUCCESS' ? wc : undefined);
  }

  /**
   * iface.c:poll_rx_common:291-343 and handle_am:251-289: FLUSH_ERR (and REM_ABORT) skipped; the
   * failover statuses set the device's fault flag; a message goes to the application and counts
   * one ack, with no sequence number and no dedup. `simple` (simply_poll_rx:417-457) skips errors.
   */
  private onRx(path: number, wc: WorkCompletion, simple: boolean): void {
    if (wc.status !== 'SUCCESS') {
      if (!simple && RX_FAILOVER_STATUSES.has(wc.status)) this.setDeviceFault(path);
      if (this.relay.owns(wc.wrId)) this.relay.onCompletion(path, wc);
      return;
    }
    // Model glue: only the RECVs the layer posted on the application's behalf are RX CQEs of the
    // endpoint; iface.c:251-289 counts every AM receive but pure flow-control grants, which the model has none of.
    if (!this.relay.owns(wc.wrId)) return;
    this.eps[path].ack = (this.eps[path].ack + 1) & 0xffff;
    this.relay.onCompletion(path, wc);
  }

  private deliverSuccess(op: Op, wc: WorkCompletion | undefined): void {
    const wr = op.wr;
    if (wr.signaled === false) return;
    const returnsValue = wr.opcode === 'READ' || wr.opcode === 'FETCH_ADD' || wr.opcode === 'CMP_SWAP';
    this.env.deliver({
      wrId: wr.id,
      status: 'SUCCESS',
      opcode: wr.opcode,
      ...(returnsValue ? { value: wc?.value ?? 0 } : {}),
    });
  }

  // --- device faults and progress -----------------------------------------------------------

  private setDeviceFault(path: number): void {
    if (this.device[path] === 'none') this.device[path] = 'in-progress';
    this.arm();
  }

  private deviceAtLeast(path: number, flag: DeviceFlag): boolean {
    const order: DeviceFlag[] = ['none', 'in-progress', 'migrating', 'migrated'];
    return order.indexOf(this.device[path]) >= order.indexOf(flag);
  }

  /**
   * One progress call: each device at IN_PROGRESS polls on until a round finds no CQE, then the
   * UCP upcall makes a failover context for its lane and sets MIGRATING (iface.c:352-363,
   * ibfo.c:23-40, ucp.c:990-1031); each failover context advances one step (ucp.c:918-930).
   */
  private progress(): void {
    for (let p = 0; p < this.paths; p++) {
      if (this.device[p] !== 'in-progress') continue;
      if (this.polled[p] > 0) {
        this.polled[p] = 0;
        continue;
      }
      this.device[p] = 'migrating';
      if (!this.ctxs.has(p)) this.ctxs.set(p, newCtx(p, 'iface'));
    }
    for (const ctx of [...this.ctxs.values()]) {
      if (this.aborted) return;
      progressLane(this, ctx);
    }
    this.arm();
  }

  /** Another progress call while anything is in flight. */
  private arm(): void {
    if (this.ticking || this.aborted) return;
    // A context waiting for the peer's META reply or rkey does nothing in a progress call until
    // a message comes (onControl arms again): no call is made for it, so a failover that hangs
    // (a lost META) does not spin through the run's work budget.
    const busy = [...this.ctxs.values()].some((c) => !waitingForPeer(c));
    if (!busy && !this.device.includes('in-progress')) return;
    this.ticking = true;
    this.env.setTimer(KUCX_PROGRESS_NS, PROGRESS);
  }

  private onMessage(msg: KucxMessage): void {
    if (msg.kucx === 'meta') {
      const guid = this.guid(msg.origin);
      if (msg.reply) return onMetaReply(this, this.ctxs.get(msg.origin), msg, guid);
      const ctx = onMetaRequest(this, this.ctxs.get(msg.origin), msg, guid);
      if (ctx) this.ctxs.set(ctx.origin, ctx);
    } else if (msg.kucx === 'rkey-req') {
      // ucp.c:get_rkey_handler:1344-1362: register (addr, len) on the new lane's device and reply.
      this.env.sendControl({ kucx: 'rkey-resp', origin: msg.origin, addr: msg.addr } satisfies KucxMessage);
    } else if (msg.kucx === 'rkey-resp') {
      const ctx = this.ctxs.get(msg.origin);
      if (ctx && ctx.rkey.init) ctx.rkey.replied = true;
    }
  }

  /** A device GUID per host and path (ibfo.c:16-21): B's are larger. */
  private guid(path: number): number {
    return (this.env.host === 'A' ? 0x100 : 0x200) + path;
  }

  // --- FailoverHost ---------------------------------------------------------------------------

  ep(path: number): Endpoint {
    return this.eps[path];
  }

  laneFaulty(path: number): boolean {
    return this.discardedLanes.has(path) || this.discardedDevices.has(path);
  }

  blacklistDevice(path: number): void {
    this.discardedDevices.add(path);
  }

  discardLane(path: number): void {
    this.discardedLanes.add(path);
  }

  drain(path: number): number {
    const wcs = this.unpolled[path].splice(0);
    for (const wc of wcs) {
      if (wc.opcode === 'RECV') this.onRx(path, wc, true);
      else this.onTx(path, wc, true);
    }
    return wcs.length;
  }

  moveToError(path: number): void {
    this.env.moveToError(path);
  }

  sendMeta(ctx: FailoverCtx, reply: boolean): void {
    const msg: MetaMessage = {
      kucx: 'meta',
      reply,
      origin: ctx.origin,
      newLane: ctx.newLane,
      ack: this.eps[ctx.origin].ack,
      guid: this.guid(ctx.origin),
      revise: ctx.revise,
    };
    this.env.sendControl(msg);
  }

  sendRkey(kind: 'rkey-req' | 'rkey-release', ctx: FailoverCtx): void {
    this.env.sendControl({ kucx: kind, origin: ctx.origin, addr: ctx.rkey.addr } satisfies KucxMessage);
  }

  /**
   * resend.c:do_resend:463-521: the op goes out again through the new endpoint's own post path.
   * A fetch-add is issued with the descriptor's `swap` field as its operand, which the original
   * post set to 0 (resend.c:324-326 with ep.c:766-770, 786-788); a compare-and-swap with
   * (compare_add, swap) (327-330).
   */
  repost(op: Op, lane: number): void {
    const wr: SendWr = op.wr.opcode === 'FETCH_ADD' ? { ...op.wr, add: 0 } : op.wr;
    this.issue(lane, wr);
  }

  complete(ops: Op[]): void {
    for (const op of ops) this.deliverSuccess(op, undefined);
  }

  abort(reason: string): void {
    this.env.setTimer(0, `kucx-abort: ${reason}`);
    this.aborted = true;
  }

  finish(ctx: FailoverCtx): void {
    // ucp.c:904-914: the UCP lane moves to the new one, pending ops follow (ucp.c:598-609), the
    // endpoint is FAULT and its device MIGRATED (625-636).
    this.ctxs.delete(ctx.origin);
    if (ctx.type === 'iface') this.device[ctx.origin] = 'migrated';
    this.eps[ctx.origin].fault = 'fault';
    this.discardedLanes.add(ctx.origin);
    if (this.lane === ctx.origin) this.lane = ctx.newLane;
    for (const wr of this.pending.splice(0)) this.postSend(wr);
  }

  *contexts(): Iterable<FailoverCtx> {
    yield* this.ctxs.values();
  }
}
