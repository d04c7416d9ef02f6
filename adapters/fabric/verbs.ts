/**
 * The verbs a program's library sends, answered against the fabric. Checks that a driver makes
 * at call time (a QP's state for a post, a full queue, a transition ibv_modify_qp(3) forbids)
 * answer at once; what the NIC does (transmit, flush, change state) waits for the barrier, so
 * that it lands in the trace in host order (./fabric).
 */
import type { SendWr } from '../../src/core/verbs';
import { LEGAL_QP_TRANSITIONS } from '../../src/core/verbs';
import { fail, pump, transition } from '../sim/nic';
import { nextPsn } from '../sim/psn';
import type { Fabric } from './fabric';
import type { Host, QueuePair, Sge } from './host';
import { qpNumber } from './host';
import { PORT_STATE, QP_STATE_NUMBERS, SEND_FLAGS, WR_OPCODES, statusOfNumber } from './numbers';
import { ERRNO, err, ok } from './protocol';
import type { Answer, Request } from './protocol';

/** Per host and path, the deferred reset of a QP destroyed since the last barrier. */
const pendingResets = new WeakMap<Host, Map<number, () => void>>();
import { applyRtr, applyRts, resetQp } from './qp-state';

/** Verbs that only read: they neither make a host busy nor wake it. */
const QUERIES = new Set(['devices', 'port', 'qp_state', 'async_event']);

/** Answers `req` from `host` (now, or later through `reply` for a parked poll). */
export function handleVerb(fabric: Fabric, host: Host, req: Request, reply: (a: Answer) => void): void {
  const f = req.fields;
  const n = (k: number): number => Number(f[k]);
  if (!QUERIES.has(req.verb) && req.verb !== 'poll' && req.verb !== 'cq_event') fabric.touch(host);
  switch (req.verb) {
    case 'devices':
      return reply(ok(fabric.sim.config.paths));
    case 'port':
      return reply(ok(fabric.sim.nicAlive[host.name][n(0)] === false ? PORT_STATE.DOWN : PORT_STATE.ACTIVE));
    case 'async_event': {
      const k = host.asyncEvents.findIndex((e) => e.path === n(0));
      if (k < 0) return reply(ok('none'));
      const [e] = host.asyncEvents.splice(k, 1);
      return reply(ok(e.type, e.port));
    }
    case 'reg_mr': {
      const key = fabric.nextKey++;
      host.mrs.set(key, {
        lkey: key,
        rkey: key,
        addr: BigInt(f[0]),
        length: BigInt(f[1]),
        iova: BigInt(f[2]),
        access: n(3),
      });
      return reply(ok(key, key));
    }
    case 'dereg_mr':
      return reply(host.mrs.delete(n(0)) ? ok() : err(ERRNO.EINVAL));
    case 'create_channel': {
      const id = fabric.nextChannel++;
      host.channels.set(id, []);
      return reply(ok(id));
    }
    case 'create_cq': {
      const id = fabric.nextCq++;
      host.cqs.set(id, { id, cqe: n(0), channel: n(1), entries: [], armed: false });
      return reply(ok(id));
    }
    case 'destroy_cq': {
      for (const qp of host.qps.values()) if (qp.sendCq === n(0) || qp.recvCq === n(0)) return reply(err(ERRNO.EBUSY));
      return reply(host.cqs.delete(n(0)) ? ok() : err(ERRNO.EINVAL));
    }
    case 'notify': {
      const cq = host.cqs.get(n(0));
      if (!cq) return reply(err(ERRNO.EINVAL));
      cq.armed = true;
      return reply(ok());
    }
    case 'create_qp':
      return reply(createQp(fabric, host, n(0), n(1), n(2), n(3), n(4), n(5) === 1));
    case 'qp_state': {
      const qp = host.qps.get(n(0));
      if (!qp) return reply(err(ERRNO.EINVAL));
      return reply(ok(QP_STATE_NUMBERS.indexOf(effectiveState(fabric, host, qp))));
    }
    case 'modify_qp':
      return reply(modifyQp(fabric, host, f.map(Number)));
    case 'destroy_qp': {
      const qp = host.qps.get(n(0));
      if (!qp) return reply(err(ERRNO.EINVAL));
      host.qps.delete(qp.qpn);
      const reset = (): void => {
        pendingResets.get(host)?.delete(qp.path);
        resetQp(fabric, host, qp, 'ibv_destroy_qp');
      };
      if (!pendingResets.has(host)) pendingResets.set(host, new Map());
      pendingResets.get(host)!.set(qp.path, reset);
      host.pending.push(reset);
      return reply(ok());
    }
    case 'post_send':
      return reply(postSend(fabric, host, req));
    case 'post_recv':
      return reply(postRecv(fabric, host, f));
    case 'poll': {
      const cq = host.cqs.get(n(0));
      if (!cq) return reply(err(ERRNO.EINVAL));
      if (cq.entries.length > 0) {
        fabric.touch(host);
        return reply(fabric.takeCompletions(host, cq.id, n(1)));
      }
      return fabric.park(host, 'poll', cq.id, n(1), reply);
    }
    case 'cq_event': {
      const ready = host.channels.get(n(0));
      if (!ready) return reply(err(ERRNO.EINVAL));
      if (ready.length > 0) {
        fabric.touch(host);
        return reply(ok(ready.shift()!));
      }
      return fabric.park(host, 'cq_event', n(0), 0, reply);
    }
    default:
      return reply(err(ERRNO.EOPNOTSUPP));
  }
}

/** The QP's state once this host's waiting operations are done. */
function effectiveState(fabric: Fabric, host: Host, qp: QueuePair) {
  return qp.pendingState ?? fabric.sim.qps[host.name][qp.path].state;
}

function createQp(
  fabric: Fabric,
  host: Host,
  path: number,
  sendCq: number,
  recvCq: number,
  maxSendWr: number,
  maxRecvWr: number,
  sigAll: boolean,
): Answer {
  if (!(path >= 0 && path < fabric.sim.config.paths) || !host.cqs.has(sendCq) || !host.cqs.has(recvCq))
    return err(ERRNO.EINVAL);
  // The simulator has one QP per host and path: a second RC QP on a device is refused.
  if (host.qpOnPath(path)) return err(ERRNO.ENOMEM);
  // A QP destroyed on this path since the last barrier: the host's operations up to that destroy
  // are committed now, in program order, before its successor takes the path's simulator QP (left
  // for the barrier, the destroy's reset would come after, and undo, the new QP's setup).
  const reset = pendingResets.get(host)?.get(path);
  const upTo = reset ? host.pending.indexOf(reset) : -1;
  if (upTo >= 0) for (const op of host.pending.splice(0, upTo + 1)) op();
  const qpn = qpNumber(host.name, path);
  host.qps.set(qpn, {
    qpn,
    path,
    sendCq,
    recvCq,
    maxSendWr,
    maxRecvWr,
    sigAll,
    accessFlags: 0,
    pendingSends: 0,
    pendingRecvs: 0,
    sends: new Map(),
    recvs: new Map(),
    sqPsn: 0,
    rqPsn: 0,
  });
  return ok(qpn);
}

/** modify_qp qpn mask to dest rqPsn sqPsn timeout retry rnr minRnr maxDestRd access maxRd. */
function modifyQp(fabric: Fabric, host: Host, v: number[]): Answer {
  const [qpn, mask, toIndex, dest, rqPsn, sqPsn, timeout, retry, rnr, minRnr, maxDestRd, access, maxRd] = v;
  const qp = host.qps.get(qpn);
  const to = QP_STATE_NUMBERS[toIndex];
  if (!qp || !to) return err(ERRNO.EINVAL);
  const from = effectiveState(fabric, host, qp);
  if (!LEGAL_QP_TRANSITIONS[from].includes(to)) return err(ERRNO.EINVAL);
  const IBV_QP_ACCESS_FLAGS = 8;
  if (mask & IBV_QP_ACCESS_FLAGS) qp.accessFlags = access;
  if (from === 'INIT' && to === 'RTR') {
    // The peer is the other host's QP on the same device: dest_qp_num must name it.
    const peer = host.name === 'A' ? 'B' : 'A';
    if (dest !== qpNumber(peer, qp.path)) return err(ERRNO.EINVAL);
    qp.rqPsn = rqPsn;
  }
  if (from === 'RTR' && to === 'RTS') qp.sqPsn = sqPsn;
  qp.pendingState = to;
  host.pending.push(() => {
    const simQp = fabric.sim.qps[host.name][qp.path];
    if (from === 'INIT' && to === 'RTR') applyRtr(fabric, minRnr, maxDestRd);
    if (from === 'RTR' && to === 'RTS')
      applyRts(fabric, simQp, { timeout, retryCnt: retry, rnrRetry: rnr, maxRdAtomic: maxRd });
    if (to === 'ERR') fail(fabric.sim, simQp, undefined, 'ibv_modify_qp to ERR');
    else if (to === 'RESET') resetQp(fabric, host, qp, 'ibv_modify_qp to RESET');
    else transition(fabric.sim, simQp, to, 'ibv_modify_qp');
    if (qp.pendingState === to) qp.pendingState = undefined;
  });
  return ok();
}

/** post_send qpn wrId opcode flags imm remote rkey compareAdd swap total localErr dataLen nsge [addr len]*. */
function postSend(fabric: Fabric, host: Host, req: Request): Answer {
  const f = req.fields;
  const qp = host.qps.get(Number(f[0]));
  const opcode = WR_OPCODES[Number(f[2])];
  if (!qp || !opcode) return err(ERRNO.EINVAL);
  const state = effectiveState(fabric, host, qp);
  if (state !== 'RTS' && state !== 'SQD' && state !== 'ERR') return err(ERRNO.EINVAL);
  const simQp = fabric.sim.qps[host.name][qp.path];
  if (simQp.sq.length + qp.pendingSends >= qp.maxSendWr) return err(ERRNO.ENOMEM);
  const flags = Number(f[3]);
  const sges: Sge[] = [];
  for (let k = 0; k < Number(f[12]); k++) sges.push({ addr: BigInt(f[13 + 2 * k]), length: Number(f[14 + 2 * k]) });
  const id = host.nextSendId++;
  const hasImm = Number(f[2]) === 1 || Number(f[2]) === 3;
  const wr: SendWr = {
    id,
    opcode,
    signaled: qp.sigAll || (flags & SEND_FLAGS.SIGNALED) !== 0,
    ...(flags & SEND_FLAGS.FENCE ? { fence: true } : {}),
    ...(hasImm ? { imm: Number(f[4]) } : {}),
  };
  const post = {
    wrId: f[1],
    opcode: Number(f[2]),
    sges,
    length: Number(f[9]),
    data: req.data,
    remoteAddr: BigInt(f[5]),
    rkey: Number(f[6]),
    compareAdd: BigInt(f[7]),
    swap: BigInt(f[8]),
  };
  const localError = Number(f[10]) ? statusOfNumber(Number(f[10])) : undefined;
  qp.sends.set(id, post);
  fabric.memory.posts.set(wr, post);
  qp.pendingSends++;
  host.pending.push(() => {
    qp.pendingSends--;
    fabric.sim.touchActivity();
    fabric.sim.record({ kind: 'AppPostSend', host: host.name, obs: host.name, wr: { ...wr } });
    const sq = fabric.sim.qps[host.name][qp.path];
    if (sq.state === 'ERR') {
      fabric.sim.complete(host.name, qp.path, { wrId: id, status: 'WR_FLUSH_ERR', opcode });
      return;
    }
    sq.sq.push({ wr, psn: sq.nextPsn, sent: false, acked: false, lastTx: -1, corrupt: false, localError });
    sq.nextPsn = nextPsn(sq.nextPsn); // 24-bit PSNs wrap
    pump(fabric.sim, sq);
  });
  return ok();
}

/** post_recv qpn wrId nsge [addr len lkey]*. */
function postRecv(fabric: Fabric, host: Host, f: string[]): Answer {
  const qp = host.qps.get(Number(f[0]));
  if (!qp) return err(ERRNO.EINVAL);
  if (effectiveState(fabric, host, qp) === 'RESET') return err(ERRNO.EINVAL);
  const simQp = fabric.sim.qps[host.name][qp.path];
  if (simQp.rq.length + qp.pendingRecvs >= qp.maxRecvWr) return err(ERRNO.ENOMEM);
  const sges: Sge[] = [];
  for (let k = 0; k < Number(f[2]); k++)
    sges.push({ addr: BigInt(f[3 + 3 * k]), length: Number(f[4 + 3 * k]), lkey: Number(f[5 + 3 * k]) });
  const id = host.nextRecvId++;
  qp.recvs.set(id, { wrId: f[1], sges });
  qp.pendingRecvs++;
  host.pending.push(() => {
    qp.pendingRecvs--;
    fabric.sim.touchActivity();
    fabric.sim.record({ kind: 'AppPostRecv', host: host.name, obs: host.name, wr: { id } });
    const rq = fabric.sim.qps[host.name][qp.path];
    if (rq.state === 'ERR')
      fabric.sim.complete(host.name, qp.path, { wrId: id, status: 'WR_FLUSH_ERR', opcode: 'RECV' });
    else rq.rq.push({ id });
  });
  return ok();
}
