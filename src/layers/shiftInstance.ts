/**
 * One host's instance of SHIFT (the protocol is described at createShift in shift.ts): the
 * send-side states Default, Handshaking, Fallback, WaitSignaled, WaitDrained and Broken, the
 * receive-counter handshake on the backup QP, and the probed, fenced switch-back.
 */
import type { LayerEnv, LayerInstance } from '../core/layer';
import type { SendWr, WcStatus, WorkCompletion } from '../core/verbs';
import { consumesRecv, isAtomic } from '../core/verbs';
import { AppCompletions } from './common/appCompletions';
import { LayerIds } from './common/ids';
import { PathResets } from './common/pathResets';
import { RecvRelay } from './common/recvRelay';
import { PathSendQueues } from './common/sendQueues';
import { isPathFailure } from './common/status';
import type { ResolvedShiftOptions } from './shiftOptions';

/** The default QP (path 0) and the backup (path 1). */
const DEFAULT_QP = 0;
const BACKUP_QP = 1;
/** payload[0] of SHIFT's own WRITE_WITH_IMM messages; payload[1] is the kind, imm the counter. */
export const SHIFT_CONTROL_MARK = -0x5348;
/** The kinds of SHIFT's own messages (payload[1]). */
const HS_INIT = 1;
const HS_REPLY = 2;
const SWITCH_BACK = 3;
const SWITCH_BACK_ACK = 4;

type SendState = 'Default' | 'Handshaking' | 'Fallback' | 'WaitSignaled' | 'WaitDrained' | 'Broken';

/** One host's SHIFT: the send-side state machine, the handshake and the switch-back. */
export class Shift implements LayerInstance {
  private readonly ids = new LayerIds();
  private readonly app: AppCompletions;
  private readonly queues: PathSendQueues;
  private readonly resets: PathResets;
  private readonly relay: RecvRelay;
  private state: SendState = 'Default';
  /** Two-sided sequence number of each SEND/WRITE_WITH_IMM, assigned when first posted. */
  private readonly seqOf = new Map<number, number>();
  private nextSeq = 0;
  private held: SendWr[] = [];
  /** Outstanding WRs waiting for the peer's counter (initiator, Handshaking). */
  private outstanding: SendWr[] = [];
  private aborted = false;
  /** This side started the fallback and runs the probes and the switch-back. */
  private leader = false;
  private fenceId: number | undefined;
  /** Follower: got SWITCH_BACK, waiting for its own backup sends to drain. */
  private draining = false;
  private probeId: number | undefined;
  private probesLeft: number;
  /** Counts fallbacks, so that a handshake timer of an earlier one is ignored. */
  private fallbacks = 0;

  constructor(
    private readonly env: LayerEnv,
    private readonly o: ResolvedShiftOptions,
  ) {
    this.app = new AppCompletions((wc) => env.deliver(wc));
    this.queues = new PathSendQueues(env.paths);
    this.relay = new RecvRelay(env, this.ids, {
      mode: o.handshake ? 'active' : 'mirror',
      spare: 1,
      isLayerMessage: (wc) => wc.payload?.[0] === SHIFT_CONTROL_MARK,
      onLayerMessage: (_path, wc) => this.onControlMessage(wc.payload?.[1] ?? 0, wc.imm ?? 0),
      onPathError: (p) => this.onQpError(p, 'WR_FLUSH_ERR'),
    });
    this.resets = new PathResets(env, this.queues, (p) => this.relay.onReset(p));
    this.probesLeft = o.maxProbes;
    this.relay.start();
  }

  postSend(wr: SendWr): void {
    this.app.track(wr);
    if (this.state === 'Broken') return void this.app.fail(wr.id, 'WR_FLUSH_ERR');
    if (this.state === 'Handshaking' || this.state === 'WaitDrained' || this.draining) return void this.held.push(wr);
    if (this.state === 'Default') return this.postApp(DEFAULT_QP, wr);
    this.postApp(BACKUP_QP, wr);
    if (this.state === 'WaitSignaled' && wr.signaled !== false) {
      // The fence: later WRs wait for it to complete (its completion implies all earlier ones).
      this.fenceId = wr.id;
      this.state = 'WaitDrained';
    }
  }

  postRecv(wr: { id: number }): void {
    this.relay.postApp(wr);
  }

  onCompletion(path: number, wc: WorkCompletion): void {
    if (this.relay.owns(wc.wrId)) return this.relay.onCompletion(path, wc);
    const { entry, implied } = this.queues.match(path, wc.wrId);
    for (const e of implied) if (e.app && !e.abandoned) this.app.succeed(e.wr.id);
    if (entry && !entry.abandoned) {
      if (!entry.app) this.onLayerWrDone(path, entry.wr, wc);
      else if (wc.status === 'SUCCESS') {
        this.app.resolve(wc.wrId, wc);
        if (wc.wrId === this.fenceId) this.onFenceDone();
      } else {
        if (!isPathFailure(wc.status)) this.app.resolve(wc.wrId, wc);
        this.onQpError(path, wc.status, entry.wr);
      }
      if (this.draining) this.checkDrained();
    }
    this.resets.settle(path);
  }

  onTimer(token: string): void {
    if (token === 'shift-probe') return this.probe();
    if (token === `shift-handshake:${this.fallbacks}` && this.state === 'Handshaking') this.broken('RETRY_EXC_ERR');
  }

  // ------------------------------------------------------------------ posting

  private postApp(path: number, wr: SendWr): void {
    if (consumesRecv(wr.opcode) && !this.seqOf.has(wr.id)) this.seqOf.set(wr.id, this.nextSeq++);
    if (this.env.post(path, wr).ok) this.queues.add(path, wr, true);
    else this.onQpError(path, 'WR_FLUSH_ERR');
  }

  /** Posts one of SHIFT's own WRITE_WITH_IMM messages; imm carries this side's receive counter. */
  private postControl(path: number, kind: number): void {
    const wr: SendWr = {
      id: this.ids.take(),
      opcode: 'WRITE_WITH_IMM',
      imm: this.relay.received,
      payload: [SHIFT_CONTROL_MARK, kind],
    };
    if (this.env.post(path, wr).ok) this.queues.add(path, wr, false);
    else this.onQpError(path, 'WR_FLUSH_ERR');
  }

  private flushHeld(path: number): void {
    const held = this.held;
    this.held = [];
    for (const wr of held) this.postApp(path, wr);
  }

  // ------------------------------------------------------------------ failures

  /** `path`'s QP failed; `failedWr` is the application WR whose error completion showed it, if any. */
  private onQpError(path: number, status: WcStatus, failedWr?: SendWr): void {
    if (this.state === 'Broken') return;
    if (path === DEFAULT_QP && this.state === 'Default') return this.startFallback(status);
    // Handshaking: the failed default QP stays in ERR until the peer's counter is in (see startFallback).
    if (path === DEFAULT_QP && this.state === 'Handshaking') return;
    if (path === DEFAULT_QP) {
      // In fallback the default QP only carries probes and the switch-back exchange.
      this.resets.fail(DEFAULT_QP);
      if (this.state === 'WaitDrained' && this.fenceId === undefined) this.broken(status);
      return;
    }
    if (path === BACKUP_QP && this.state === 'Default') {
      // Back on the default QP, SHIFT does not fail over from the backup. With the fence nothing
      // of the application's is left on it (the switch-back waited for it to drain); without the
      // fence WRs may still be in flight there: their error reaches the application, so that
      // no WR is left without a completion. Then reconnect the backup for the next fallback.
      if (failedWr && isPathFailure(status)) this.app.fail(failedWr.id, status);
      for (const e of this.queues.abandon(BACKUP_QP)) if (e.app) this.app.fail(e.wr.id, 'WR_FLUSH_ERR');
      this.resets.fail(BACKUP_QP);
      return;
    }
    this.broken(status);
  }

  /** The WRs that are neither in flight on the backup nor held: what a fallback must handle. */
  private takeOutstanding(): SendWr[] {
    this.queues.abandon(DEFAULT_QP);
    const onBackup = new Set(this.queues.live(BACKUP_QP).map((e) => e.wr.id));
    const held = new Set(this.held.map((w) => w.id));
    return this.app.open().filter((w) => !onBackup.has(w.id) && !held.has(w.id));
  }

  /** Returns the error instead of failing over when an atomic or noRetransmit WR is outstanding. */
  private abortIfIneligible(outstanding: SendWr[], status: WcStatus): SendWr[] {
    this.aborted = false;
    if (!this.o.atomicAbort || !outstanding.some((w) => isAtomic(w.opcode) || w.noRetransmit)) return outstanding;
    this.aborted = true;
    outstanding.forEach((w, k) => this.app.fail(w.id, k === 0 && isPathFailure(status) ? status : 'WR_FLUSH_ERR'));
    return [];
  }

  /** This side saw the default QP fail: it leads the fallback. */
  private startFallback(status: WcStatus): void {
    if (this.env.paths < 2) return this.broken(status);
    this.leader = true;
    this.probesLeft = this.o.maxProbes;
    const outstanding = this.abortIfIneligible(this.takeOutstanding(), status);
    if (!this.o.handshake) {
      this.resets.fail(DEFAULT_QP);
      this.resend(outstanding, undefined);
      this.state = 'Fallback';
      this.scheduleProbe();
      return;
    }
    // The failed default QP is NOT reset until the peer's counter arrives: in ERR it drops what
    // the peer still sends on it, whereas a fresh QP would accept a message after our counter
    // was taken, and the peer, trusting the counter, would send it again (a duplicate).
    this.state = 'Handshaking';
    this.outstanding = outstanding;
    this.relay.switchTo(BACKUP_QP); // RECVs on the backup before the peer may send there
    this.postControl(BACKUP_QP, HS_INIT);
    // The peer's answer can be lost with the peer's backup QP; without a timer WRs would hang.
    this.env.setTimer(this.o.handshakeTimeoutNs, `shift-handshake:${++this.fallbacks}`);
  }

  /** Re-posts outstanding WRs on the backup in order, skipping messages the peer already received. */
  private resend(outstanding: SendWr[], peerReceived: number | undefined): void {
    for (const wr of outstanding) {
      if (!this.app.isOpen(wr.id)) continue;
      const seq = this.seqOf.get(wr.id);
      if (peerReceived !== undefined && seq !== undefined && seq < peerReceived) {
        this.app.succeed(wr.id); // received: only its ACK was lost
        continue;
      }
      this.postApp(BACKUP_QP, wr);
    }
    // Messages aborted unsent were never received: number the next ones after what the peer got.
    if (this.aborted && peerReceived !== undefined) this.nextSeq = peerReceived;
  }

  private broken(status: WcStatus): void {
    this.state = 'Broken';
    this.held = [];
    for (const wr of this.app.open()) this.app.fail(wr.id, isPathFailure(status) ? status : 'WR_FLUSH_ERR');
  }

  // ------------------------------------------------------------------ the handshake

  private onControlMessage(kind: number, counter: number): void {
    if (this.state === 'Broken') return;
    if (kind === HS_INIT && this.state === 'Handshaking') {
      // Both sides started at once: each takes the other's counter; A leads the switch-back.
      this.leader = this.env.host === 'A';
      return this.finishHandshake(counter);
    }
    if (kind === HS_INIT) return this.follow(counter);
    if (kind === HS_REPLY && this.state === 'Handshaking') return this.finishHandshake(counter);
    if (kind === SWITCH_BACK) return this.onSwitchBack();
    if (kind === SWITCH_BACK_ACK) return this.onSwitchBackAck();
  }

  /** The peer started a fallback: stop the default QP, answer with our counter, re-post. */
  private follow(peerReceived: number): void {
    this.leader = false;
    const outstanding = this.abortIfIneligible(this.takeOutstanding(), 'WR_FLUSH_ERR');
    this.relay.switchTo(BACKUP_QP);
    // Reset now, not once drained: the default QP may still be healthy here, and nothing sent
    // on it may execute after our counter is taken.
    this.env.reset(DEFAULT_QP);
    this.queues.clear(DEFAULT_QP);
    this.relay.onReset(DEFAULT_QP);
    this.postControl(BACKUP_QP, HS_REPLY);
    this.state = 'Fallback';
    this.resend(outstanding, peerReceived);
    this.flushHeld(BACKUP_QP);
  }

  private finishHandshake(peerReceived: number): void {
    this.state = 'Fallback';
    // The peer reset its default QP before it answered: nothing old can arrive on ours any more.
    this.resets.fail(DEFAULT_QP);
    const outstanding = this.outstanding;
    this.outstanding = [];
    this.resend(outstanding, peerReceived);
    this.flushHeld(BACKUP_QP);
    if (this.leader) this.scheduleProbe();
  }

  // ------------------------------------------------------------------ switch-back

  private scheduleProbe(): void {
    if (this.leader && this.probesLeft-- > 0) this.env.setTimer(this.o.probeDelayNs, 'shift-probe');
  }

  private probe(): void {
    if (this.state !== 'Fallback' || this.probeId !== undefined) return;
    if (this.resets.isFailed(DEFAULT_QP)) return this.scheduleProbe(); // not reconnected yet
    const wr: SendWr = { id: this.ids.take(), opcode: 'READ', addr: 0 };
    if (!this.env.post(DEFAULT_QP, wr).ok) {
      this.resets.fail(DEFAULT_QP);
      return this.scheduleProbe();
    }
    this.queues.add(DEFAULT_QP, wr, false);
    this.probeId = wr.id;
  }

  private onLayerWrDone(path: number, wr: SendWr, wc: WorkCompletion): void {
    if (wr.id === this.probeId) {
      this.probeId = undefined;
      if (wc.status === 'SUCCESS') return this.onProbeSuccess();
      this.resets.fail(DEFAULT_QP);
      return this.scheduleProbe();
    }
    if (wc.status !== 'SUCCESS') this.onQpError(path, wc.status);
  }

  private onProbeSuccess(): void {
    if (this.state !== 'Fallback') return;
    if (!this.o.fence) {
      // No fence: straight back to the default QP while the backup may still have WRs in flight.
      this.sendSwitchBack();
      this.state = 'Default';
      return;
    }
    const inFlight = this.queues.live(BACKUP_QP).some((e) => e.app);
    if (inFlight) this.state = 'WaitSignaled';
    else this.onFenceDone(); // nothing on the backup: the fence is trivially complete
  }

  /** Everything posted on the backup has completed. */
  private onFenceDone(): void {
    this.fenceId = undefined;
    this.state = 'WaitDrained';
    if (!this.o.handshake) {
      // The receiver keeps buffers on every path: nothing to wait for.
      this.state = 'Default';
      return this.flushHeld(DEFAULT_QP);
    }
    this.sendSwitchBack();
  }

  private sendSwitchBack(): void {
    this.relay.switchTo(DEFAULT_QP); // our RECVs back on the default QP before the peer sends there
    this.postControl(DEFAULT_QP, SWITCH_BACK);
  }

  /** Follower: the leader is back on the default QP. */
  private onSwitchBack(): void {
    if (this.o.fence) {
      this.draining = true;
      return this.checkDrained();
    }
    this.relay.switchTo(DEFAULT_QP);
    this.postControl(DEFAULT_QP, SWITCH_BACK_ACK);
    this.state = 'Default';
    this.flushHeld(DEFAULT_QP);
  }

  private checkDrained(): void {
    if (this.queues.live(BACKUP_QP).some((e) => e.app)) return;
    this.draining = false;
    this.relay.switchTo(DEFAULT_QP);
    this.postControl(DEFAULT_QP, SWITCH_BACK_ACK);
    this.state = 'Default';
    this.flushHeld(DEFAULT_QP);
  }

  /** Leader: the receiver has its RECVs on the default QP again. */
  private onSwitchBackAck(): void {
    if (this.state !== 'WaitDrained' && this.state !== 'Default') return;
    this.state = 'Default';
    this.probesLeft = this.o.maxProbes;
    this.flushHeld(DEFAULT_QP);
  }
}
