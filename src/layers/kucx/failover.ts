/**
 * UCP lane failover of the kucx model: one failover context per faulty lane, advanced one step
 * per progress call (ucp.c:ucp_failover_progress_lane:857-916 at KUCX_COMMIT), and what the peer
 * does with a META message (ucp.c:1111-1252).
 */
import type { Endpoint, Op } from './endpoint';
import type { MetaMessage } from './messages';

/** failover_ctx_t: the state bits of ucp.c (UCP_FO_FLAG_*) and the rkey context (UCT_RKEY_*). */
export interface FailoverCtx {
  origin: number;
  newLane: number;
  /** LANE_FAULT_TYPE_IFACE (a device fault at this host) or _EP (told by the peer's META). */
  type: 'iface' | 'ep';
  tlMap: boolean;
  selected: boolean;
  resolved: boolean;
  preHandled: boolean;
  sent: boolean;
  reply: boolean;
  replyMeta: boolean;
  revised: boolean;
  resendDone: boolean;
  revise: boolean;
  peerAck: number;
  resendPrepared: boolean;
  rkey: { init: boolean; reqSent: boolean; replied: boolean; used: boolean; addr: number };
}

/** A fresh context for `origin` (ucp_ep_create_fo_ctx). */
export function newCtx(origin: number, type: 'iface' | 'ep'): FailoverCtx {
  return {
    origin,
    newLane: -1,
    type,
    tlMap: false,
    selected: false,
    resolved: false,
    preHandled: false,
    sent: false,
    reply: false,
    replyMeta: false,
    revised: false,
    resendDone: false,
    revise: false,
    peerAck: 0,
    resendPrepared: false,
    rkey: { init: false, reqSent: false, replied: false, used: false, addr: 0 },
  };
}

/** What a failover step needs from its host. */
export interface FailoverHost {
  readonly paths: number;
  ep(path: number): Endpoint;
  /** The lane is discarded, or its device blacklisted (ucp.c:1188-1201). */
  laneFaulty(path: number): boolean;
  blacklistDevice(path: number): void;
  discardLane(path: number): void;
  /** The origin device's CQEs not polled yet, handled the simple way (iface.c:381-457); how many. */
  drain(path: number): number;
  moveToError(path: number): void;
  sendMeta(ctx: FailoverCtx, reply: boolean): void;
  sendRkey(kind: 'rkey-req' | 'rkey-release', ctx: FailoverCtx): void;
  /** Posts `op`'s WR again on `lane` as a new op of that endpoint (the resent FETCH_ADD as the source issues it). */
  repost(op: Op, lane: number): void;
  /** Hands released ops their completion (SUCCESS). */
  complete(ops: Op[]): void;
  /** ucs_fatal / ucs_assert_always: the process aborts. */
  abort(reason: string): void;
  /** Switch the UCP lane, move the pending ops, mark the endpoint FAULT, the device MIGRATED (ucp.c:904-914, 625-636). */
  finish(ctx: FailoverCtx): void;
  /** Every failover context of this host, by origin lane. */
  contexts(): Iterable<FailoverCtx>;
}

/**
 * One step of ucp.c:ucp_failover_progress_lane:857-916. Returns after the step that the source
 * returns after; a context whose resend and lane switch are done is finished by the host.
 */
export function progressLane(h: FailoverHost, ctx: FailoverCtx): void {
  // 866-874: blacklist the device (iface faults), set the endpoint's fault flag, discard the lane.
  if (!ctx.tlMap) {
    if (ctx.type === 'iface') h.blacklistDevice(ctx.origin);
    h.ep(ctx.origin).fault = 'in-progress';
    h.discardLane(ctx.origin);
    ctx.tlMap = true;
    return;
  }
  // 875-877 with ucp_failover_progress_select:676-695 and ucp_failover_reselect:168-205: the first
  // lane that is not the origin and not discarded; none left is ucs_fatal.
  if (!ctx.selected) {
    const lane = firstUsableLane(h, ctx.origin);
    if (lane === undefined) return h.abort('no available lane (ucp.c:684-685)');
    ctx.newLane = lane;
    ctx.selected = true;
    return;
  }
  // 878-884: the remote endpoint id (resolved already in the model), then go on in the same call.
  ctx.resolved = true;
  // 885-887 with 717-735 and ep.c:uct_rc_failover_pre_handle:1088-1105 (iface faults only): drain
  // the origin device's CQs; once a round finds nothing, move the origin QP to ERR.
  if (!ctx.preHandled) {
    if (ctx.type === 'iface') {
      if (h.drain(ctx.origin) > 0) return;
      h.moveToError(ctx.origin);
    }
    ctx.preHandled = true;
  }
  // 888-890 with 737-768: META on the new lane with this side's ack; a reply also counts as REPLY.
  if (!ctx.sent) {
    h.sendMeta(ctx, ctx.replyMeta);
    if (ctx.replyMeta) ctx.reply = true;
    ctx.sent = true;
    return;
  }
  // 891-894: wait for the peer's reply.
  if (!ctx.reply) return;
  // 895-897 with 770-802: a context whose new lane is this origin is redirected to our new lane.
  if (!ctx.revised) {
    for (const other of h.contexts()) {
      if (other === ctx || other.origin === ctx.newLane) continue;
      if (other.newLane !== ctx.origin) continue;
      other.newLane = ctx.newLane;
      other.revise = true;
      resetForRevise(other);
    }
    ctx.revised = true;
    return;
  }
  // 898-900 with 804-819 and 266-304: an rkey the resend asked for is requested, then awaited.
  if (ctx.rkey.init) {
    if (!ctx.rkey.reqSent) {
      h.sendRkey('rkey-req', ctx);
      ctx.rkey.reqSent = true;
    }
    if (!ctx.rkey.replied) return;
  }
  // 901-903 with 821-855: release the rkey of the last one-sided resend, then resend one op.
  if (ctx.rkey.used) {
    h.sendRkey('rkey-release', ctx);
    ctx.rkey = { init: false, reqSent: false, replied: false, used: false, addr: 0 };
  }
  if (!ctx.resendDone) {
    if (resendStep(h, ctx) !== 'ok') return;
    ctx.resendDone = true;
    return;
  }
  h.finish(ctx);
}

/**
 * resend.c:uct_rc_failover_ep_failover_resend_progress:540-564: prepare the resend set once, then
 * resend the op with the smallest sn (one per call); a one-sided op first needs an rkey
 * (resend.c:219-224, 285-290, 316-321, 365-370); an empty queue ends with ci = pi.
 */
function resendStep(h: FailoverHost, ctx: FailoverCtx): 'ok' | 'in-progress' | 'no-elem' {
  const ep = h.ep(ctx.origin);
  if (!ctx.resendPrepared) {
    ctx.resendPrepared = true;
    const r = ep.release(ctx.peerAck);
    if (r.assertFailed) {
      h.abort(`resend set ${r.resend} > queue ${r.qlen} (resend.c:35)`);
      return 'in-progress';
    }
    h.complete(r.released);
  }
  const op = ep.firstToResend();
  if (op === undefined) {
    ep.resendPost();
    return 'ok';
  }
  if (op.oneSided && !ctx.rkey.replied) {
    ctx.rkey = { init: true, reqSent: false, replied: false, used: false, addr: op.wr.addr ?? 0 };
    return 'no-elem';
  }
  h.repost(op, ctx.newLane);
  if (op.oneSided) ctx.rkey.used = true;
  ep.remove(op);
  return 'in-progress';
}

function firstUsableLane(h: FailoverHost, origin: number): number | undefined {
  for (let p = 0; p < h.paths; p++) if (p !== origin && !h.laneFaulty(p)) return p;
  return undefined;
}

/** ucp.c:790-792 and 1114-1117: back to INIT | SELECTED, the META to be sent again. */
function resetForRevise(ctx: FailoverCtx): void {
  ctx.resolved = false;
  ctx.preHandled = false;
  ctx.sent = false;
  ctx.reply = false;
  ctx.replyMeta = false;
  ctx.revised = false;
  ctx.rkey = { init: false, reqSent: false, replied: false, used: false, addr: 0 };
  ctx.tlMap = false;
  ctx.selected = true;
}

/**
 * A META request (ucp.c:ucp_ep_failover_handle:1203-1229): dropped when its new lane is already
 * faulty here; an existing context decides the conflict (1111-1157); otherwise a new EP-type
 * context takes the peer's lanes and ack and will reply (1159-1186). Returns a new context, if any.
 */
export function onMetaRequest(
  h: FailoverHost,
  existing: FailoverCtx | undefined,
  m: MetaMessage,
  localGuid: number,
): FailoverCtx | undefined {
  if (h.laneFaulty(m.newLane)) return undefined;
  if (existing) {
    handleConflict(existing, m, localGuid);
    return undefined;
  }
  const ctx = newCtx(m.origin, 'ep');
  ctx.newLane = m.newLane;
  ctx.selected = true;
  ctx.replyMeta = true;
  ctx.peerAck = m.ack;
  return ctx;
}

/** ucp.c:ucp_ep_failover_handle_conflicts:1111-1157: the larger device GUID chooses the new lane. */
function handleConflict(ctx: FailoverCtx, m: MetaMessage, localGuid: number): void {
  if (m.revise) {
    ctx.newLane = m.newLane;
    resetForRevise(ctx);
    ctx.replyMeta = true;
    ctx.peerAck = m.ack;
    return;
  }
  if (!ctx.selected) {
    ctx.newLane = m.newLane;
    ctx.selected = true;
    ctx.replyMeta = true;
  } else if (!ctx.sent) {
    if (ctx.newLane !== m.newLane && localGuid < m.guid) ctx.newLane = m.newLane;
    ctx.replyMeta = true;
  } else if (!ctx.reply) {
    if (ctx.newLane !== m.newLane && localGuid < m.guid) ctx.newLane = m.newLane;
    ctx.reply = true;
  }
  ctx.peerAck = m.ack;
}

/** A META reply (ucp.c:ucp_ep_failover_handle_reply:1231-1252). */
export function onMetaReply(h: FailoverHost, ctx: FailoverCtx | undefined, m: MetaMessage, localGuid: number): void {
  if (h.laneFaulty(m.newLane) || !ctx) return;
  if (ctx.newLane !== m.newLane && localGuid < m.guid) ctx.newLane = m.newLane;
  ctx.peerAck = m.ack;
  ctx.reply = true;
}
