import type { LayerEnv, LayerInstance } from '../core/layer';
import type { SendWr, WorkCompletion } from '../core/verbs';
import { AppCompletions } from './common/appCompletions';
import { AppRecvs } from './common/appRecvs';
import { FailureTally } from './common/failureTally';
import type { Op } from './completionLogOp';
import { LayerIds } from './common/ids';
import { PeerResets } from './common/peerResets';
import { executeRequest } from './common/rpcExecute';
import { RecvRelay } from './common/recvRelay';
import { PathSendQueues } from './common/sendQueues';
import { isPathFailure } from './common/status';
import {
  MESSAGE_MARK,
  REQUEST_MARK,
  RESPONSE_MARK,
  RpcOp,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from './common/rpcCodec';
import type { RpcResponse } from './common/rpcCodec';
import { describedLayer } from './types';
import type { ReferenceLayer } from './types';

/** Options of completionLog. */
export interface CompletionLogOptions {
  /** How long to wait for an RPC response after the request was acknowledged. Default 100 us. */
  responseTimeoutNs?: number;
  /**
   * An operation is given up (its error returned, indeterminate) once every path failed it
   * twice and it has been failing for this long. Default 2 ms: longer than the outages a path
   * heals from in generated scenarios (at most 1 ms), shorter than the liveness budget (5 ms).
   */
  giveUpAfterNs?: number;
}

/**
 * Creates completionLog: a non-transparent design in the style of Varuna, with the responder's
 * layer executing and logging, correct for every op class. Decision rule, one application WR at
 * a time, in posting order:
 * - WRITE, FETCH_ADD, CMP_SWAP go as RPCs: a SEND (negative id) carrying [request seq, op,
 *   operands]; the responder's layer executes each request seq exactly once through env.memory
 *   ({ forWr }), logs the result, and answers with a SEND [seq, status, value]; a duplicate
 *   request is answered from the log. The requester re-sends the same request seq on the next
 *   path after an error completion or after responseTimeoutNs without an answer.
 * - SEND and WRITE_WITH_IMM go as themselves (application id; payload prefixed with a message
 *   seq) and the receiver's layer, which receives into its own buffers on every path, records the
 *   seq and fills the application's RECVs in order. After an error the requester asks, by an RPC
 *   QUERY, whether message seq k arrived; the responder first fences the old path (below) and
 *   answers from its log; only a message that did not arrive is re-sent.
 * - READ goes as itself and is simply re-posted on the next path (idempotent).
 * - An operation is given up (its error delivered) only once every path failed it twice and it
 *   has been failing for giveUpAfterNs. A message given up may still be on the wire: the next
 *   message starts with a QUERY about itself, so that the responder fences every path first and
 *   the old message cannot land after the new one, in its RECV.
 * - A path given up is reset on both ends (PeerResets): this end at once, to a new incarnation
 *   whose PSNs lie far from the old ones; the peer follows when told, over the management network
 *   and in every RPC request and response (each carries its sender's incarnation of every path),
 *   and the path is used again only once both ends are known to be there. A reset of one end
 *   alone would leave the peer expecting its old PSN: the requests of the restarted end would be
 *   ACKed as duplicates without ever executing.
 * Why it is correct: every effect happens at most once (request seqs are deduplicated where they
 * execute; a message is re-sent only after the responder, having moved every path it was sent
 * on to a newer incarnation, so that nothing of the old connection can still execute, says it
 * never arrived), every WR is retried until a path answers (failure-masking), results come from
 * the one execution, and one operation at a time keeps the application's order. The management
 * network only speeds reconnection up: with it lost, the incarnations travel in the RPCs of a
 * working path. A third party's CAS on the responder's memory is just another operation between
 * two of ours.
 *
 * Expected audit: every property holds for every op class.
 */
export function createCompletionLog(options: CompletionLogOptions = {}): ReferenceLayer {
  const o = {
    responseTimeoutNs: options.responseTimeoutNs ?? 100_000,
    giveUpAfterNs: options.giveUpAfterNs ?? 2_000_000,
  };
  return describedLayer(
    { name: 'completion-log', transparent: false, create: (env) => new CompletionLog(env, o) },
    'RPC with a responder-side dedup log for writes/atomics; messages re-sent only if the responder says they never arrived',
    { summary: 'the positive control: correct for every op class', violations: [] },
  );
}

/** completionLog with its default timeouts. */
export const completionLog: ReferenceLayer = createCompletionLog();

class CompletionLog implements LayerInstance {
  private readonly ids = new LayerIds();
  private readonly app: AppCompletions;
  private readonly queues: PathSendQueues;
  private readonly relay: RecvRelay;
  private readonly resets: PeerResets;
  private current = 0;
  private readonly waiting: SendWr[] = [];
  /** Every path failed the last operation given up: later ones get one attempt per path until a success. */
  private outage = false;
  /**
   * An operation was given up since the peer last answered an RPC: a message given up may still
   * be on the wire, on a path whose peer end has not followed this end's reset yet. The next
   * message starts with a QUERY about itself, whose request makes the peer fence every path first
   * (onRequest), so that the old message cannot land after it, in its RECV.
   */
  private fenceBeforeNextMessage = false;
  private op: Op | undefined;
  private nextRpcSeq = 0;
  private nextMsgSeq = 0;
  // Responder side.
  private readonly rpcLog = new Map<number, Omit<RpcResponse, 'incarnations'>>();
  private readonly messagesSeen = new Set<number>();
  private readonly appRecvs: AppRecvs;

  constructor(
    private readonly env: LayerEnv,
    private readonly o: Required<CompletionLogOptions>,
  ) {
    this.appRecvs = new AppRecvs(env);
    this.app = new AppCompletions((wc) => env.deliver(wc));
    this.queues = new PathSendQueues(env.paths);
    this.relay = new RecvRelay(env, this.ids, {
      mode: 'mirror',
      spare: 4,
      isLayerMessage: () => true,
      onLayerMessage: (path, wc) => this.onMessage(path, wc),
      onPathError: (p) => this.abandonPath(p),
    });
    this.resets = new PeerResets(env, {
      onPeerReset: (p) => this.afterReset(p),
      onUsable: () => this.resumeWaiting(),
      retryNs: o.responseTimeoutNs,
    });
    this.relay.start();
  }

  postSend(wr: SendWr): void {
    this.app.track(wr);
    this.waiting.push(wr);
    this.next();
  }

  postRecv(wr: { id: number }): void {
    this.appRecvs.post(wr.id);
  }

  onCompletion(path: number, wc: WorkCompletion): void {
    if (this.relay.owns(wc.wrId)) return this.relay.onCompletion(path, wc);
    const { entry } = this.queues.match(path, wc.wrId);
    if (!entry || entry.abandoned) return;
    const op = this.op;
    if (!op || op.postedId !== wc.wrId) {
      // A response we sent (responder side): if it failed, the requester will ask again.
      if (wc.status !== 'SUCCESS') this.abandonPath(path);
      return;
    }
    if (wc.status === 'SUCCESS') {
      if (op.phase === 'direct') return this.finish(wc);
      // The request arrived; now wait for the answer.
      this.env.setTimer(this.o.responseTimeoutNs, `rpc:${op.rpcSeq}:${op.attempts}`);
      return;
    }
    if (op.phase === 'direct' && !isPathFailure(wc.status)) return this.finish(wc);
    this.abandonPath(path);
  }

  onControl(msg: unknown): void {
    this.resets.onControl(msg);
  }

  onTimer(token: string): void {
    if (this.resets.onTimer(token)) return;
    const [kind, seq, attempt] = token.split(':');
    const op = this.op;
    if (kind === 'wait') {
      if (op?.waiting && op.attempts === Number(attempt)) this.resumeWaiting();
      return;
    }
    if (
      op &&
      op.phase !== 'direct' &&
      !op.waiting &&
      op.rpcSeq === Number(seq) &&
      op.attempts === Number(attempt) &&
      op.path !== undefined
    )
      this.abandonPath(op.path);
  }

  // ------------------------------------------------------------------ requester

  private next(): void {
    if (this.op || this.waiting.length === 0) return;
    const wr = this.waiting.shift()!;
    const rpc = wr.opcode === 'WRITE' || wr.opcode === 'FETCH_ADD' || wr.opcode === 'CMP_SWAP';
    const message = wr.opcode === 'SEND' || wr.opcode === 'WRITE_WITH_IMM';
    const fence = message && this.fenceBeforeNextMessage;
    this.op = {
      wr,
      attempts: 0,
      failures: new FailureTally(this.env.paths),
      phase: rpc ? 'rpc' : fence ? 'query' : 'direct',
      ...(rpc || fence ? { rpcSeq: this.nextRpcSeq++ } : {}),
    };
    if (message) this.op.msgSeq = this.nextMsgSeq++;
    this.attempt();
  }

  /**
   * Puts the current operation's next attempt on the current path, unless it is time to give
   * up: every path failed it twice (once each, during an outage already seen) and it has been
   * failing for giveUpAfterNs. Giving up reveals an outage of every path, so the operations
   * queued behind it fail at once with the same error instead of waiting out the outage again.
   */
  private attempt(): void {
    const op = this.op!;
    if (op.failures.exhausted(this.env.now(), this.outage ? 1 : 2, this.outage ? 0 : this.o.giveUpAfterNs)) {
      this.outage = true;
      this.fenceBeforeNextMessage = true;
      const failed = [op.wr, ...this.waiting.splice(0)];
      this.op = undefined;
      for (const wr of failed) this.app.resolve(wr.id, { wrId: wr.id, status: 'RETRY_EXC_ERR', opcode: wr.opcode });
      return;
    }
    op.attempts++;
    const path = this.usablePath();
    if (path === undefined) {
      // Every path waits for its peer's end to be reset too: try again a little later (or as
      // soon as one is usable).
      op.failures.noPathUsable();
      op.waiting = true;
      this.env.setTimer(this.o.responseTimeoutNs, `wait:${op.rpcSeq ?? -1}:${op.attempts}`);
      return;
    }
    op.waiting = false;
    this.current = path;
    const wr = this.wireWr(op);
    op.postedId = wr.id;
    op.path = path;
    if (this.env.post(path, wr).ok) this.queues.add(path, wr, wr.id >= 0);
    else this.abandonPath(path);
  }

  /** The current path if both its ends are at one incarnation, else the next such path. */
  private usablePath(): number | undefined {
    for (let k = 0; k < this.env.paths; k++) {
      const path = (this.current + k) % this.env.paths;
      if (this.resets.usable(path)) return path;
    }
    return undefined;
  }

  /** A path became usable again: an operation waiting for one goes on. */
  private resumeWaiting(): void {
    if (this.op?.waiting) this.attempt();
  }

  /** What goes on the wire for the operation's current phase. */
  private wireWr(op: Op): SendWr {
    const wr = op.wr;
    if (op.phase === 'direct') {
      // Always signaled on the wire: the layer waits for this completion before the next
      // operation starts (an unsignaled success would complete silently and stall the queue);
      // AppCompletions keeps the application's unsignaled success silent.
      const signaled = { ...wr, signaled: true };
      if (op.msgSeq === undefined) return signaled;
      return { ...signaled, payload: [MESSAGE_MARK, op.msgSeq, ...(wr.payload ?? [])] };
    }
    const request =
      op.phase === 'query'
        ? {
            seq: op.rpcSeq!,
            op: RpcOp.QUERY,
            appWr: wr.id,
            addr: 0,
            value: op.msgSeq!,
            add: 0,
            compare: 0,
            swap: 0,
            incarnations: this.resets.incarnations(),
          }
        : {
            seq: op.rpcSeq!,
            op: RpcOp[wr.opcode as 'WRITE' | 'FETCH_ADD' | 'CMP_SWAP'],
            appWr: wr.id,
            addr: wr.addr ?? 0.5,
            value: wr.value ?? 0,
            add: wr.add ?? 0,
            compare: wr.compare ?? 0,
            swap: wr.swap ?? 0,
            incarnations: this.resets.incarnations(),
          };
    return { id: this.ids.take(), opcode: 'SEND', payload: encodeRequest(request) };
  }

  private finish(wc: WorkCompletion): void {
    const op = this.op!;
    this.op = undefined;
    if (wc.status === 'SUCCESS') this.outage = false;
    this.app.resolve(op.wr.id, wc);
    this.next();
  }

  /**
   * Gives up on `path`: resets this end at once to a new incarnation (its WRs are dropped without
   * completions, and a delayed request of the old connection can no longer execute here) and has
   * the peer follow (PeerResets); then as afterReset.
   */
  private abandonPath(path: number): void {
    this.resets.reset(path);
    this.afterReset(path);
  }

  /**
   * This end of `path` was reset (by this layer or to follow the peer): its WRs and buffers are
   * gone without completions. Fresh buffers are posted; the current operation, if it was on
   * that path, moves on to the next one; a message that may have arrived is asked about first.
   */
  private afterReset(path: number): void {
    this.queues.abandon(path);
    this.queues.clear(path);
    this.relay.onReset(path);
    const op = this.op;
    if (!op || op.waiting || op.path !== path) return;
    op.failures.failed(path);
    if (path === this.current) this.current = (path + 1) % this.env.paths;
    if (op.phase === 'direct' && op.msgSeq !== undefined) {
      op.phase = 'query';
      op.rpcSeq = this.nextRpcSeq++;
    }
    this.attempt();
  }

  private onResponse(r: RpcResponse): void {
    r.incarnations.forEach((inc, p) => this.resets.learn(p, inc));
    const op = this.op;
    if (!op || op.phase === 'direct' || op.rpcSeq !== r.seq) return; // a late answer to an earlier attempt
    // The peer answered a request made after every give-up so far: it has fenced their paths.
    this.fenceBeforeNextMessage = false;
    if (op.phase === 'query') {
      if (r.value === 1) return this.finish({ wrId: op.wr.id, status: 'SUCCESS', opcode: op.wr.opcode });
      op.phase = 'direct'; // it never arrived, and now it never will: send it again
      return this.attempt();
    }
    this.finish({
      wrId: op.wr.id,
      status: r.status,
      opcode: op.wr.opcode,
      ...(op.wr.opcode !== 'WRITE' ? { value: r.value } : {}),
    });
  }

  // ------------------------------------------------------------------ responder

  private onMessage(path: number, wc: WorkCompletion): void {
    const p = wc.payload ?? [];
    if (p[0] === RESPONSE_MARK) return this.onResponse(decodeResponse(p));
    if (p[0] === REQUEST_MARK) return this.onRequest(path, p);
    if (p[0] === MESSAGE_MARK) return this.onAppMessage(wc, p);
  }

  private onRequest(path: number, payload: number[]): void {
    const req = decodeRequest(payload);
    // Catch up with the requester's incarnations first: every path it gave up (on which the
    // message a QUERY asks about may have been sent) is fenced before the answer, so nothing of
    // the old connection can arrive after it. The arrival path is in use: both ends agree on it.
    req.incarnations.forEach((inc, p) => p !== path && this.resets.learn(p, inc));
    if (req.op === RpcOp.QUERY) {
      return this.respond(path, { seq: req.seq, status: 'SUCCESS', value: this.messagesSeen.has(req.value) ? 1 : 0 });
    }
    let result = this.rpcLog.get(req.seq);
    if (!result) {
      result = executeRequest(this.env, req);
      this.rpcLog.set(req.seq, result);
    }
    this.respond(path, result);
  }

  /** Answers on the path the request came on, with this end's incarnations. */
  private respond(path: number, r: Omit<RpcResponse, 'incarnations'>): void {
    const wr: SendWr = {
      id: this.ids.take(),
      opcode: 'SEND',
      payload: encodeResponse({ ...r, incarnations: this.resets.incarnations() }),
    };
    if (this.env.post(path, wr).ok) this.queues.add(path, wr, false);
  }

  private onAppMessage(wc: WorkCompletion, payload: number[]): void {
    const seq = payload[1];
    if (this.messagesSeen.has(seq)) return; // never expected: a message is re-sent only if it never arrived
    this.messagesSeen.add(seq);
    this.appRecvs.arrived(wc, payload.slice(2));
  }
}
