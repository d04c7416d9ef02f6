import type { LayerEnv, LayerInstance } from '../core/layer';
import type { SendWr, WorkCompletion } from '../core/verbs';
import { AppCompletions } from './common/appCompletions';
import { LayerIds } from './common/ids';
import { PathResets } from './common/pathResets';
import { RecvRelay } from './common/recvRelay';
import { PathSendQueues } from './common/sendQueues';
import { isPathFailure } from './common/status';
import { describedLayer } from './types';
import type { ReferenceLayer } from './types';

/** Options of timerHedge. */
export interface TimerHedgeOptions {
  /** How long to wait for a completion before hedging on the backup. Default 16 us, well below
   * the NIC's retransmission timer (65.5 us at timeout 4), as a latency hedge would be. */
  hedgeDelayNs?: number;
}

/** One application WR and its copies. */
interface Hedged {
  wr: SendWr;
  /** Copies posted and not yet completed. */
  inFlight: number;
  hedged: boolean;
}

/**
 * Creates a timerHedge layer. Decision rule: post each WR on the primary path and start a local
 * timer; if the timer expires before any completion of the WR (no error needed), post the same WR
 * once more on the other path. The first SUCCESS is delivered, later completions of the other
 * copy are dropped. An error of one copy while the other is in flight is ignored; an error of the
 * only copy hedges at once; an error of both is delivered. A failed path becomes the backup and
 * is reset (its own end only) once drained. Receivers keep buffers for the application's RECVs
 * on every path.
 *
 * Expected audit: the sender cannot tell a slow path from a dead one (Theorem 1), so under mere
 * delay, with no failure at all, every non-idempotent WR executes twice: at-most-once fails for
 * WRITE, SEND, WRITE_WITH_IMM, FETCH_ADD, CMP_SWAP; no-queue-sliding for SEND/WRITE_WITH_IMM;
 * linearizability for WRITE and WRITE_WITH_IMM (a late copy re-writes the word after the
 * receiver reused it, T2), FETCH_ADD, CMP_SWAP, and READ only through the stale response below.
 * failure-masking fails for every op class, by its rule: a hedge is one extra copy, not a
 * failover loop, so when both copies fail (the backup has an outage of its own while the primary
 * fails, even one that heals a moment later) the error is delivered and the healed path is never
 * tried again. completion-fidelity fails for every class: a failed path is reset at this end
 * only (the peer's QP keeps expecting its old PSN), so a copy later posted there is a duplicate
 * at the peer, ACKed without executing, and its SUCCESS is delivered for a WR that never ran.
 * A READ is no exception once it reads another word than the old connection's request of its
 * PSN: the peer drops a duplicate READ outside the range its responder resource holds (rxe_resp.c
 * duplicate_request), and the requester takes that old request's response, still on the wire,
 * as the new READ's (another word's value).
 */
export function createTimerHedge(options: TimerHedgeOptions = {}): ReferenceLayer {
  const hedgeDelayNs = options.hedgeDelayNs ?? 16_000;
  return describedLayer(
    { name: 'timer-hedge', transparent: true, create: (env) => new TimerHedge(env, hedgeDelayNs) },
    `if no completion within ${hedgeDelayNs} ns, post the WR again on the other path (no error needed)`,
    {
      summary:
        'executes twice under mere delay (Theorem 1: slow and lost look the same); one hedge only, so a double outage surfaces',
      violations: [
        {
          property: 'at-most-once',
          opcodes: ['WRITE', 'SEND', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP'],
          why: 'a delayed WR is hedged and both copies execute, with no failure at all (Theorem 1)',
        },
        {
          property: 'no-queue-sliding',
          opcodes: ['SEND', 'WRITE_WITH_IMM'],
          why: 'both copies of a delayed message land, in two RECVs (Theorem 2)',
        },
        {
          property: 'linearizability',
          opcodes: ['WRITE', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP', 'READ'],
          why: "double FETCH_ADD / CAS; a late copy of a WRITE or WRITE_WITH_IMM lands over the receiver's reuse (T2); a READ completed with the old connection's response at its PSN returns another word's stale value (completion-fidelity [READ])",
        },
        {
          property: 'completion-fidelity',
          opcodes: ['WRITE', 'SEND', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP'],
          why: "a path failed once is reset at this end only: a copy posted there later is a duplicate at the peer's QP, ACKed without executing, and its SUCCESS is delivered",
        },
        {
          property: 'completion-fidelity',
          opcodes: ['READ'],
          why: "a READ of another word than the old connection's READ at its PSN is dropped by the peer and completes with that old READ's response, still on the wire (reached by the generator's stale READ response, src/check/staleResponse.ts)",
        },
        {
          property: 'failure-masking',
          opcodes: ['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'WRITE_WITH_IMM'],
          why: 'at most two copies per WR: when both fail (both paths out at once, even briefly) the error is delivered and a path that heals later is not retried',
        },
      ],
    },
  );
}

/** timerHedge with its default hedge delay. */
export const timerHedge: ReferenceLayer = createTimerHedge();

class TimerHedge implements LayerInstance {
  private readonly ids = new LayerIds();
  private readonly app: AppCompletions;
  private readonly queues: PathSendQueues;
  private readonly resets: PathResets;
  private readonly relay: RecvRelay;
  private readonly wrs = new Map<number, Hedged>();
  private primary = 0;

  constructor(
    private readonly env: LayerEnv,
    private readonly hedgeDelayNs: number,
  ) {
    this.app = new AppCompletions((wc) => env.deliver(wc));
    this.queues = new PathSendQueues(env.paths);
    this.relay = new RecvRelay(env, this.ids, { mode: 'mirror', onPathError: (p) => this.onPathFailed(p) });
    this.resets = new PathResets(env, this.queues, (p) => this.relay.onReset(p));
    this.relay.start();
  }

  postSend(wr: SendWr): void {
    this.app.track(wr);
    const h: Hedged = { wr, inFlight: 0, hedged: false };
    this.wrs.set(wr.id, h);
    this.postCopy(h, this.primary);
    this.env.setTimer(this.hedgeDelayNs, `hedge:${wr.id}`);
  }

  postRecv(wr: { id: number }): void {
    this.relay.postApp(wr);
  }

  onTimer(token: string): void {
    const h = this.wrs.get(Number(token.slice('hedge:'.length)));
    if (h && !h.hedged && this.app.isOpen(h.wr.id)) this.hedge(h);
  }

  onCompletion(path: number, wc: WorkCompletion): void {
    if (this.relay.owns(wc.wrId)) return this.relay.onCompletion(path, wc);
    const { entry, implied } = this.queues.match(path, wc.wrId);
    for (const e of implied) this.copyDone(e.wr.id, { wrId: e.wr.id, status: 'SUCCESS', opcode: e.wr.opcode });
    if (entry) {
      this.copyDone(wc.wrId, wc);
      if (wc.status !== 'SUCCESS') this.onPathFailed(path);
    }
    this.resets.settle(path);
  }

  onPortEvent(path: number, event: 'PORT_ERR' | 'PORT_ACTIVE'): void {
    if (event === 'PORT_ERR') this.onPathFailed(path);
  }

  private copyDone(id: number, wc: WorkCompletion): void {
    const h = this.wrs.get(id);
    if (!h) return;
    h.inFlight--;
    if (wc.status === 'SUCCESS' || !isPathFailure(wc.status)) {
      this.app.resolve(id, wc);
    } else if (this.app.isOpen(id) && h.inFlight === 0) {
      if (!h.hedged) this.hedge(h);
      else this.app.resolve(id, wc);
    }
    if (h.inFlight === 0 && !this.app.isOpen(id)) this.wrs.delete(id);
  }

  private hedge(h: Hedged): void {
    h.hedged = true;
    // The hedge goes to the path after the one the first copy took.
    this.postCopy(h, ((this.firstPath.get(h.wr.id) ?? this.primary) + 1) % this.env.paths);
  }

  /** The path each WR's first copy was posted to. */
  private readonly firstPath = new Map<number, number>();

  private postCopy(h: Hedged, path: number): void {
    if (!this.firstPath.has(h.wr.id)) this.firstPath.set(h.wr.id, path);
    if (this.env.post(path, h.wr).ok) {
      this.queues.add(path, h.wr, true);
      h.inFlight++;
      return;
    }
    this.onPathFailed(path);
    if (!h.hedged) this.hedge(h);
    else if (h.inFlight === 0) this.app.fail(h.wr.id, 'WR_FLUSH_ERR');
  }

  private onPathFailed(path: number): void {
    if (this.resets.isFailed(path)) return;
    this.resets.fail(path);
    if (path === this.primary) this.primary = (path + 1) % this.env.paths;
  }
}
