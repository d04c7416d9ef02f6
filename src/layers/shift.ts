import type { LayerEnv, LayerInstance } from '../core/layer';
import type { SendWr, WcStatus, WorkCompletion } from '../core/verbs';
import { consumesRecv, isAtomic } from '../core/verbs';
import { AppCompletions } from './common/appCompletions';
import { LayerIds } from './common/ids';
import { PathResets } from './common/pathResets';
import { RecvRelay } from './common/recvRelay';
import { PathSendQueues } from './common/sendQueues';
import { isPathFailure } from './common/status';
import { describedLayer } from './types';
import type { ExpectedViolation, ReferenceLayer } from './types';

/** Which of SHIFT's mechanisms are on (all by default); the broken variants turn one off. */
export interface ShiftOptions {
  /** Return the error instead of failing over when an atomic or a noRetransmit WR is outstanding. */
  atomicAbort?: boolean;
  /** The receive-counter handshake over WRITE_WITH_IMM on the backup QP (two-sided traffic). */
  handshake?: boolean;
  /** Fenced switch-back: WaitSignaled, WaitDrained, and the receiver's RECVs back on the default QP. */
  fence?: boolean;
  /** Delay before each probe of the reset default QP. Default 100 us. */
  probeDelayNs?: number;
  /** Probes per fallback before the layer stays on the backup for good. Default 8. */
  maxProbes?: number;
  /**
   * How long the fallback's leader waits for the peer's counter before it gives up and returns
   * the error (the peer's answer was lost with its backup QP). Default 2.5 ms: above the NIC's
   * largest retry budget (8 tries x 268 us at timeout 6 is 2.1 ms).
   */
  handshakeTimeoutNs?: number;
  /** The layer's name (defaults from the options). */
  name?: string;
}

const DEFAULT_QP = 0;
const BACKUP_QP = 1;
/** payload[0] of SHIFT's own WRITE_WITH_IMM messages; payload[1] is the kind, imm the counter. */
export const SHIFT_CONTROL_MARK = -0x5348;
const HS_INIT = 1;
const HS_REPLY = 2;
const SWITCH_BACK = 3;
const SWITCH_BACK_ACK = 4;

type SendState = 'Default' | 'Handshaking' | 'Fallback' | 'WaitSignaled' | 'WaitDrained' | 'Broken';

/**
 * Creates SHIFT (shared/reference/shift.md), concretely, per host (both hosts run the same code):
 * - Default: WRs on the default QP (path 0); the layer receives into its own buffers on the
 *   receive path and fills the application's RECVs in arrival order (see RecvRelay); one spare
 *   buffer stays posted on every path for SHIFT's own messages, told apart by SHIFT_CONTROL_MARK.
 * - Fallback, on an error completion or a failed post on the default QP: the successful
 *   completions before the first error were already handed over in order; every uncompleted WR
 *   is outstanding. If one is an atomic or carries noRetransmit, they all complete with the error
 *   (no retransmission; later traffic still moves to the backup). Then the receive-counter
 *   handshake on the backup QP (path 1): the initiator moves its RECV buffers to the backup and
 *   sends WRITE_WITH_IMM(imm = messages its application received); the peer resets its default
 *   QP, moves its buffers, answers with its own counter and re-posts its outstanding WRs; each side
 *   skips the SENDs/WRITE_WITH_IMMs the other already received (counter ahead of completed sends:
 *   the ACK was lost; they complete with SUCCESS) and re-posts every other outstanding WR, in
 *   order, from the first unacknowledged one. The default QP is reset once drained.
 * - Switch-back: the initiator probes the reset default QP (a READ of word 0: the simulator has no
 *   zero-length WRITE; a READ is just as side-effect free) every probeDelayNs; once a probe
 *   succeeds it keeps using the backup until the next signaled WR, the fence (WaitSignaled),
 *   holds later WRs (WaitDrained) until the fence completes, then re-posts its buffers on the
 *   default QP and sends SWITCH_BACK there; the peer drains its own backup sends, moves its buffers
 *   back and answers SWITCH_BACK_ACK; only then do both post on the default QP again.
 * Simulator specifics: all of this runs on the data path (no control channel, so control-loss does
 * not matter); a failure of the backup during fallback, or of the default QP during the
 * switch-back exchange, is not recovered (everything outstanding completes with the error).
 * The leader leaves its failed default QP in ERR until the peer's counter arrives: a fresh QP
 * would accept a message after the leader's counter was taken, and the peer would re-send it.
 *
 * Expected audit (shift): at-most-once and linearizability fail for WRITE only (one-sided WRs are
 * re-sent from the first unacknowledged: "best effort", Theorem 1, and the paper's T2 when the
 * receiver reused the word); failure-masking fails for FETCH_ADD and CMP_SWAP (the atomic abort
 * returns the error by design). Two-sided traffic (SEND, WRITE_WITH_IMM) is exact: the handshake
 * skips what the peer's counter shows it received.
 */
export function createShift(options: ShiftOptions = {}): ReferenceLayer {
  const o = {
    atomicAbort: options.atomicAbort ?? true,
    handshake: options.handshake ?? true,
    fence: options.fence ?? true,
    probeDelayNs: options.probeDelayNs ?? 100_000,
    maxProbes: options.maxProbes ?? 8,
    handshakeTimeoutNs: options.handshakeTimeoutNs ?? 2_500_000,
  };
  const name = options.name ?? defaultName(o);
  return describedLayer(
    { name, transparent: false, create: (env) => new Shift(env, o) },
    shiftRule(o),
    { summary: shiftSummary(o), violations: shiftViolations(o), unreached: [...secondFailureUnreached(o), ...(o.fence ? [] : noFenceUnreached)] },
  );
}

type ResolvedOptions = Required<Omit<ShiftOptions, 'name'>>;

function defaultName(o: ResolvedOptions): string {
  if (!o.atomicAbort) return 'shift-no-atomic-abort';
  if (!o.handshake) return 'shift-no-handshake';
  if (!o.fence) return 'shift-no-fence';
  return 'shift';
}

function shiftRule(o: ResolvedOptions): string {
  return [
    'on an error on the default QP, fail over to the backup',
    o.atomicAbort ? 'unless an atomic/noRetransmit WR is outstanding (then return the error)' : 'even with atomics outstanding',
    o.handshake ? 'skipping the SENDs the peer\'s receive counter shows it got' : 'resending every outstanding WR (no handshake)',
    o.fence ? 'and switch back after a probe and a completed fence' : 'and switch back right after a probe (no fence)',
  ].join(', ');
}

function shiftSummary(o: ResolvedOptions): string {
  if (!o.atomicAbort) return 'SHIFT without the atomic abort: atomics execute twice after a lost ACK';
  if (!o.handshake) return 'SHIFT without the handshake: a SEND whose ACK was lost is delivered twice (queue sliding)';
  if (!o.fence) return 'SHIFT without the fence: WRs on the default QP overtake WRs still in flight on the backup';
  return 'best effort for one-sided WRITEs (re-sent from the first unacknowledged), exact for two-sided, refuses atomics';
}

function shiftViolations(o: ResolvedOptions): ExpectedViolation[] {
  const v: ExpectedViolation[] = [
    { property: 'at-most-once', opcodes: ['WRITE'], why: 'one-sided WRITEs are re-sent from the first unacknowledged: a lost ACK re-executes (Theorem 1; "best effort")' },
    { property: 'linearizability', opcodes: ['WRITE'], why: 'the re-executed WRITE overwrites the receiver\'s reuse of the word (T2)' },
    { property: 'failure-masking', opcodes: ['FETCH_ADD', 'CMP_SWAP'], why: 'a path failure with an atomic outstanding is returned to the application' },
  ];
  if (!o.atomicAbort) {
    // completion-fidelity still holds: the retried atomic reports the old value of its second
    // execution, a value one of its executions produced; the harm is the double effect.
    v[0] = { ...v[0], opcodes: ['WRITE', 'FETCH_ADD', 'CMP_SWAP'] };
    v[1] = { ...v[1], opcodes: ['WRITE', 'FETCH_ADD', 'CMP_SWAP'] };
    v.pop();
  }
  if (!o.handshake) {
    v[0] = { ...v[0], opcodes: [...v[0].opcodes, 'SEND', 'WRITE_WITH_IMM'] };
    v[1] = { ...v[1], opcodes: [...v[1].opcodes, 'WRITE_WITH_IMM'] };
    v.push({ property: 'no-queue-sliding', opcodes: ['SEND', 'WRITE_WITH_IMM'], why: 'without the receive counter a SEND whose ACK was lost is re-sent and fills the next RECV (Theorem 2)' });
  }
  return v;
}

/**
 * A second failure during the fallback: when the backup fails too (say a corrupt WQE on path 1
 * while path 0, which failed first, has already healed), SHIFT has no third place to go and
 * returns the error, so failure-masking fails for the op classes it otherwise masks. Generated
 * scenarios reach it rarely (two faults on two paths in the right order): seed 7 finds it in
 * about 100 runs, seed 1 not in 200. test/layers/shift.test.ts shows it.
 */
function secondFailureUnreached(o: ResolvedOptions): ExpectedViolation[] {
  const masked: ExpectedViolation['opcodes'] = o.atomicAbort
    ? ['WRITE', 'READ', 'SEND', 'WRITE_WITH_IMM']
    : ['WRITE', 'READ', 'SEND', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP'];
  return [{ property: 'failure-masking', opcodes: masked, why: 'a second failure, of the backup during the fallback, is returned to the application (SHIFT does not recover from it)' }];
}

/**
 * shiftNoFence's reordering, real but out of the generated scenarios' reach: it needs a message
 * still in flight on the backup when the probe succeeds (probeDelayNs = 100 us after the
 * fallback, so a backup retransmission timer above 100 us: timeout >= 5) AND an application post
 * after the switch-back that does not wait for that message. Generated posts start at t = 0 or
 * when the previous WR completes, so this takes three faults at once (the default path failing,
 * the backup dropping the later message once, the earlier message's ACK delayed past the probe),
 * which fast-check practically never draws. test/layers/shift.test.ts shows it.
 * linearizability is not listed: the two WRs are concurrent (the earlier one has not completed
 * when the later one is posted), so either order is linearizable.
 */
const noFenceUnreached: ExpectedViolation[] = [
  { property: 'no-queue-sliding', opcodes: ['SEND', 'WRITE_WITH_IMM'], why: 'a message posted on the default QP right after the probe overtakes one still being retransmitted on the backup and fills its RECV' },
];

class Shift implements LayerInstance {
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

  constructor(private readonly env: LayerEnv, private readonly o: ResolvedOptions) {
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
    const wr: SendWr = { id: this.ids.take(), opcode: 'WRITE_WITH_IMM', imm: this.relay.received, payload: [SHIFT_CONTROL_MARK, kind] };
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

/** shift with every mechanism of shift.md on. */
export const shift: ReferenceLayer = createShift();
