/**
 * An extension point of the RC transport: a responder memory outside the simulator. By default
 * a responder executes requests on its host's word memory (./transport); with
 * `Simulator.responderMemory` set, the transport keeps every RC rule (PSN order, duplicates,
 * RNR, the atomic cache, NAKs, the QP to ERR) and asks this backend only what a request does to
 * memory and whether the memory allows it. The fabric (adapters/fabric) uses it to act on the
 * registered memory of real processes.
 */
import type { LayerHost, RecvWr, SendWr, WcStatus } from '../../src/core/verbs';
import { consumesRecv, isAtomic } from '../../src/core/verbs';
import { fail } from './nic';
import { nextPsn } from './psn';
import type { Packet, Qp } from './qp';
import type { Simulator } from './simulator';
import { executed, holdSlot, respond } from './transport';

/** What a request did at the responder's memory. */
export interface ExternalEffect {
  /** SUCCESS, or the NAK's status (REM_ACCESS_ERR, REM_INV_REQ_ERR, REM_OP_ERR). */
  status: WcStatus;
  /** The status the consumed RECV completes with when it is not SUCCESS (LOC_LEN_ERR, LOC_PROT_ERR). */
  recvStatus?: WcStatus;
  /** What the response carries back (READ data, the atomic's old value), as a backend's handle. */
  value?: number;
}

/** The responder memory of every host: checks and performs a request's effect. */
export interface ResponderMemory {
  /**
   * Performs `wr` (a request of `host`'s peer) on `host`'s memory; `recv` is the RECV a SEND or
   * WRITE_WITH_IMM consumes. Called once per execution (a duplicate READ executes again).
   */
  execute(host: LayerHost, path: number, wr: SendWr, recv: RecvWr | undefined): ExternalEffect;
}

/** Executes the request with the expected PSN through the external memory `mem`. */
export function executeExternal(sim: Simulator, qp: Qp, pkt: Packet, mem: ResponderMemory): void {
  const wr = pkt.wr;
  const host = qp.host;
  const recv = consumesRecv(wr.opcode) ? qp.rq[0] : undefined;
  if (consumesRecv(wr.opcode) && !recv) {
    respond(sim, qp, pkt, { psn: pkt.psn, nak: 'RNR' });
    return;
  }
  if ((wr.opcode === 'READ' || isAtomic(wr.opcode)) && sim.nic.responderSlots === 0) {
    return remoteError(sim, qp, pkt, 'REM_INV_REQ_ERR', undefined);
  }
  const effect = mem.execute(host, qp.path, wr, recv);
  if (effect.status !== 'SUCCESS') return remoteError(sim, qp, pkt, effect.status, effect.recvStatus);
  if (recv) {
    qp.rq.shift();
    sim.record({
      kind: 'RecvConsumed',
      host,
      path: qp.path,
      recvWr: recv.id,
      from: pkt.requester,
      wr: wr.id,
      imm: wr.imm,
    });
    sim.complete(host, qp.path, {
      wrId: recv.id,
      status: 'SUCCESS',
      opcode: 'RECV',
      ...(wr.opcode === 'WRITE_WITH_IMM' ? { withImm: true } : {}),
      ...(wr.imm !== undefined ? { imm: wr.imm } : {}),
    });
  }
  if (wr.opcode === 'READ' || wr.opcode === 'FETCH_ADD' || wr.opcode === 'CMP_SWAP') {
    const slot = { opcode: wr.opcode, addr: wr.addr ?? 0, ...(wr.opcode !== 'READ' ? { old: effect.value } : {}) };
    holdSlot(qp, pkt.psn, slot, sim.nic.responderSlots);
  }
  executed(sim, qp, pkt, wr.addr, effect.value, undefined, 'SUCCESS');
  qp.ePsn = nextPsn(qp.ePsn);
  qp.nakSent = false;
  respond(sim, qp, pkt, { psn: pkt.psn, value: effect.value });
}

/** A responder error: the NAK, the consumed RECV's own status if any, and the QP to ERR. */
function remoteError(sim: Simulator, qp: Qp, pkt: Packet, status: WcStatus, recvStatus: WcStatus | undefined): void {
  executed(sim, qp, pkt, pkt.wr.addr, undefined, undefined, status);
  respond(sim, qp, pkt, { psn: pkt.psn, nak: 'ERR', status });
  if (recvStatus) {
    const recv = qp.rq.shift();
    if (recv) sim.complete(qp.host, qp.path, { wrId: recv.id, status: recvStatus, opcode: 'RECV' });
  }
  fail(sim, qp, undefined, `responder error ${status} on WR ${pkt.wr.id}`);
}
