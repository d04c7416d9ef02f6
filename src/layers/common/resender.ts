/**
 * The re-post-on-the-next-path engine shared by resendAll and readVerify: one current path; on a
 * path failure every uncompleted application WR is re-posted, in posting order, on the next path;
 * with `verifyByRead`, a WRITE or atomic is first checked by a READ of its word through the new
 * path and re-posted only if it looks unexecuted.
 */
import type { LayerEnv, LayerInstance } from '../../core/layer';
import type { SendWr, WcStatus, WorkCompletion } from '../../core/verbs';
import { AppCompletions } from './appCompletions';
import { LayerIds } from './ids';
import { PathResets } from './pathResets';
import { RecvRelay } from './recvRelay';
import { PathSendQueues } from './sendQueues';
import { isPathFailure } from './status';

/** Options of the resender engine. */
export interface ResenderOptions {
  /** READ the target word through the new path before re-posting a WRITE or atomic (Theorem 3's strategy). */
  verifyByRead: boolean;
}

/** A recovery in progress (verifyByRead): the WRs still to re-post or verify, one at a time. */
interface Recovery {
  items: SendWr[];
  next: number;
  /** The verification READ in flight and the WR it decides. */
  waiting?: { readId: number; wr: SendWr };
}

/** Creates one host's instance of the resender engine. */
export function createResenderInstance(env: LayerEnv, options: ResenderOptions): LayerInstance {
  return new Resender(env, options);
}

class Resender implements LayerInstance {
  private readonly ids = new LayerIds();
  private readonly app: AppCompletions;
  private readonly queues: PathSendQueues;
  private readonly resets: PathResets;
  private readonly relay: RecvRelay;
  private current = 0;
  /** Failovers since the last successful completion: bounds retrying when no path works. */
  private fruitlessFailovers = 0;
  private recovery: Recovery | undefined;
  private held: SendWr[] = [];
  /** The word's value just before each FETCH_ADD executes (from the READ posted before it). */
  private readonly baselines = new Map<number, number>();
  private readonly baselineReads = new Map<number, number>();

  constructor(
    private readonly env: LayerEnv,
    private readonly options: ResenderOptions,
  ) {
    this.app = new AppCompletions((wc) => env.deliver(wc));
    this.queues = new PathSendQueues(env.paths);
    this.relay = new RecvRelay(env, this.ids, {
      mode: 'mirror',
      onPathError: (p) => this.onPathError(p, 'WR_FLUSH_ERR'),
    });
    this.resets = new PathResets(env, this.queues, (p) => this.relay.onReset(p));
    this.relay.start();
  }

  postSend(wr: SendWr): void {
    this.app.track(wr);
    if (this.recovery) this.held.push(wr);
    else this.postApp(this.current, wr);
  }

  postRecv(wr: { id: number }): void {
    this.relay.postApp(wr);
  }

  onCompletion(path: number, wc: WorkCompletion): void {
    if (this.relay.owns(wc.wrId)) return this.relay.onCompletion(path, wc);
    const { entry, implied } = this.queues.match(path, wc.wrId);
    for (const e of implied) if (e.app && !e.abandoned) this.app.succeed(e.wr.id);
    if (entry && !entry.abandoned) {
      if (!entry.app) this.onLayerWr(path, entry.wr, wc);
      else if (wc.status === 'SUCCESS') {
        this.fruitlessFailovers = 0;
        this.app.resolve(wc.wrId, wc);
      } else {
        // A request error is the WR's own: surface it. Either way the QP is now in ERR.
        if (!isPathFailure(wc.status)) this.app.resolve(wc.wrId, wc);
        this.onPathError(path, wc.status);
      }
    }
    this.resets.settle(path);
  }

  onPortEvent(path: number, event: 'PORT_ERR' | 'PORT_ACTIVE'): void {
    if (event === 'PORT_ERR') this.onPathError(path, 'RETRY_EXC_ERR');
  }

  /** Posts an application WR (FETCH_ADD preceded by its baseline READ when verifying). */
  private postApp(path: number, wr: SendWr): void {
    if (this.options.verifyByRead && wr.opcode === 'FETCH_ADD' && validWord(wr.addr)) {
      const read: SendWr = { id: this.ids.take(), opcode: 'READ', addr: wr.addr };
      if (this.env.post(path, read).ok) {
        this.queues.add(path, read, false);
        this.baselineReads.set(read.id, wr.id);
      }
    }
    if (this.env.post(path, wr).ok) this.queues.add(path, wr, true);
    else this.onPathError(path, 'WR_FLUSH_ERR');
  }

  /** A completion of a READ the layer invented: a FETCH_ADD's baseline or a verification. */
  private onLayerWr(path: number, read: SendWr, wc: WorkCompletion): void {
    const forFetchAdd = this.baselineReads.get(read.id);
    if (forFetchAdd !== undefined) {
      this.baselineReads.delete(read.id);
      if (wc.status === 'SUCCESS' && wc.value !== undefined) this.baselines.set(forFetchAdd, wc.value);
      else this.onPathError(path, wc.status);
      return;
    }
    const waiting = this.recovery?.waiting;
    if (!waiting || waiting.readId !== read.id) return;
    if (wc.status !== 'SUCCESS' || wc.value === undefined) return this.onPathError(path, wc.status);
    this.recovery!.waiting = undefined;
    this.recovery!.next++;
    const verdict = this.looksExecuted(waiting.wr, wc.value);
    if (verdict.executed) this.app.succeed(waiting.wr.id, verdict.value);
    else this.postApp(path, waiting.wr);
    this.step();
  }

  /** The verification rule: what the word would hold had the WR executed (and no one else written). */
  private looksExecuted(wr: SendWr, word: number): { executed: boolean; value?: number } {
    switch (wr.opcode) {
      case 'WRITE':
        return { executed: word === (wr.value ?? 0) };
      case 'CMP_SWAP':
        return { executed: word === (wr.swap ?? 0), value: wr.compare ?? 0 };
      case 'FETCH_ADD': {
        const before = this.baselines.get(wr.id);
        return before !== undefined && word === before + (wr.add ?? 0)
          ? { executed: true, value: before }
          : { executed: false };
      }
      default:
        return { executed: false };
    }
  }

  /** `path` failed (error completion, refused post, flushed buffer, PORT_ERR). */
  private onPathError(path: number, status: WcStatus): void {
    this.queues.abandon(path);
    this.resets.fail(path);
    if (path !== this.current) return;
    if (++this.fruitlessFailovers > 2 * this.env.paths) {
      // No path has worked for a while: surface the error rather than retry forever.
      this.fruitlessFailovers = 0;
      this.recovery = undefined;
      this.held = [];
      for (const wr of this.app.open()) this.app.fail(wr.id, isPathFailure(status) ? status : 'RETRY_EXC_ERR');
      return;
    }
    this.current = (path + 1) % this.env.paths;
    if (this.options.verifyByRead) {
      this.held = [];
      this.recovery = { items: this.app.open(), next: 0 };
      this.step();
    } else {
      for (const wr of this.app.open()) this.postApp(this.current, wr);
    }
  }

  /** Re-posts or verifies the recovery's WRs in order, one verification READ at a time. */
  private step(): void {
    const rec = this.recovery;
    if (!rec || rec.waiting) return;
    const path = this.current;
    while (rec.next < rec.items.length) {
      const wr = rec.items[rec.next];
      if (!this.app.isOpen(wr.id)) {
        rec.next++;
        continue;
      }
      if ((wr.opcode === 'WRITE' || wr.opcode === 'CMP_SWAP' || wr.opcode === 'FETCH_ADD') && validWord(wr.addr)) {
        const read: SendWr = { id: this.ids.take(), opcode: 'READ', addr: wr.addr };
        if (!this.env.post(path, read).ok) return this.onPathError(path, 'WR_FLUSH_ERR');
        this.queues.add(path, read, false);
        rec.waiting = { readId: read.id, wr };
        return;
      }
      rec.next++;
      this.postApp(path, wr);
      if (this.recovery !== rec) return; // the post failed and a new recovery started
    }
    this.recovery = undefined;
    const held = this.held;
    this.held = [];
    for (const wr of held) {
      if (this.recovery) return; // a post failed: the new recovery covers the rest (they are open)
      this.postApp(this.current, wr);
    }
  }
}

/** A word address the layer may READ (a negative or fractional one would fail the READ itself). */
function validWord(addr: number | undefined): addr is number {
  return addr !== undefined && Number.isInteger(addr) && addr >= 0;
}
