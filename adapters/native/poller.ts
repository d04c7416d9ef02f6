/**
 * The poll loop's verbs side on one host: async events (port up/down) and CQ entries become
 * observations and layer callbacks, and an error completion's QP state change is recorded once.
 */
import type { LayerHost, RecvWr, SendWr, WcStatus, WorkCompletion } from '../../src/core/verbs';
import type { VerbsWc } from './binding';
import type { HostContext } from './hostContext';
import { decodeMessage, SLOT_WORDS } from './message';
import type { HostPaths, PathEnd } from './paths';

/** Turns one host's async events and completions into observations. */
export class HostPoller {
  constructor(
    private readonly rt: HostContext,
    private readonly paths: HostPaths,
  ) {}

  /** One pass over every path: async events first, then completions. */
  poll(): void {
    for (const end of this.paths.ends) this.pollAsync(end);
    for (const end of this.paths.ends) this.pollCq(end);
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
      this.rt.record({ kind: 'PortEvent', host: this.rt.host, obs: this.rt.host, path: end.index, event });
      this.rt.callLayer('onPortEvent', (l) => l.onPortEvent?.(end.index, event));
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
    const token = this.paths.tokens.get(wc.wrId);
    if (!token) return; // a completion of a WR a reset already discarded
    const status = wc.status as WcStatus;
    if (token.kind === 'send') {
      // Completions are FIFO per send queue: unsignaled WRs before this one finished silently.
      const k = end.sends.indexOf(token);
      for (const earlier of end.sends.slice(0, Math.max(0, k))) this.paths.finish(end, earlier, 'SUCCESS');
      end.sends = end.sends.slice(k + 1);
      const wr = token.wr as SendWr;
      const value =
        status === 'SUCCESS' && (wr.opcode === 'READ' || wr.opcode === 'FETCH_ADD' || wr.opcode === 'CMP_SWAP')
          ? Number(end.scratch[token.slot * SLOT_WORDS])
          : undefined;
      this.paths.finish(end, token, status, value);
      if (status !== 'SUCCESS') this.noteErr(end, status);
      const wcOut: WorkCompletion = {
        wrId: wr.id,
        status,
        opcode: wr.opcode,
        ...(value !== undefined ? { value } : {}),
      };
      this.observeCompletion(end.index, wcOut);
      return;
    }
    end.recvs = end.recvs.filter((r) => r !== token);
    this.paths.tokens.delete(token.id);
    const recv = token.wr as RecvWr;
    let wcOut: WorkCompletion = { wrId: recv.id, status, opcode: 'RECV' };
    if (status === 'SUCCESS') {
      const host = this.rt.host;
      const peer: LayerHost = host === 'A' ? 'B' : 'A';
      if (wc.opcode === 'RECV_RDMA_WITH_IMM') {
        // The sender's WR id is not on the wire: the driver attributes it by imm afterwards.
        this.rt.record({
          kind: 'RecvConsumed',
          host,
          path: end.index,
          recvWr: recv.id,
          from: peer,
          wr: -1,
          imm: wc.imm,
          inferred: true,
        });
        wcOut = { ...wcOut, withImm: true, ...(wc.imm !== undefined ? { imm: wc.imm } : {}) };
      } else {
        const m = decodeMessage(end.scratch, token.slot, wc.byteLen);
        this.rt.record({
          kind: 'RecvConsumed',
          host,
          path: end.index,
          recvWr: recv.id,
          from: peer,
          wr: m.wrId,
          ...(m.value !== undefined ? { value: m.value } : {}),
          ...(wc.imm !== undefined ? { imm: wc.imm } : {}),
        });
        wcOut = {
          ...wcOut,
          ...(m.value !== undefined ? { value: m.value } : {}),
          ...(wc.imm !== undefined ? { imm: wc.imm } : {}),
          ...(m.payload ? { payload: m.payload } : {}),
        };
      }
    } else {
      this.noteErr(end, status);
    }
    end.freeSlots.push(token.slot);
    this.observeCompletion(end.index, wcOut);
  }

  private observeCompletion(path: number, wc: WorkCompletion): void {
    this.rt.record({ kind: 'Completion', host: this.rt.host, obs: this.rt.host, path, wc });
    this.rt.callLayer('onCompletion', (l) => l.onCompletion(path, { ...wc }));
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
    this.rt.record({
      kind: 'QpState',
      host: this.rt.host,
      path: end.index,
      from: 'RTS',
      to: 'ERR',
      reason: `completion ${status}`,
    });
  }
}
