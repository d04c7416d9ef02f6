/**
 * The one implementation of the LayerEnv contract. An adapter (the simulator, the native host,
 * the observation replay) supplies only its transport: how a decision that passed the rules
 * reaches its fabric. The contract owns the rest, in one place: the rules (./rules), the copies
 * that keep what a layer passed from changing later, what is recorded and in which order, and
 * the refusals. So a layer is judged the same everywhere, and a replay of its observations
 * differs from the run only where the layer does.
 *
 * Hot path: every call of a simulated layer goes through here; nothing is allocated beyond the
 * copy and the recorded event.
 */
import type { DeliverOptions, LayerEnv, LocalMemory, MemOpOptions, ResetPsns } from '../layer';
import type { DecisionEvent, TraceEvent } from '../trace';
import type { LayerHost, PostResult, RecvWr, SendWr, WorkCompletion } from '../verbs';
import { copyWc, copyWr } from '../verbs';
import {
  badAddress,
  badForWr,
  badPath,
  badResetPsns,
  badWordValue,
  controlRefusal,
  copyControl,
  deliverAttributionMisuse,
  deliverMisuse,
  malformedCompletion,
  malformedRecvWr,
  malformedSendWr,
  postMisuse,
  postRecvMisuse,
  timerMisuse,
} from './rules';

/** Distributes the `Omit` over a union, so each event kind keeps its own fields. */
type Unstamped<T> = T extends unknown ? Omit<T, 'i' | 't'> : never;

/** An event the env records, before the recorder stamps index and time: a decision or a LayerFault. */
export type EnvEvent = Unstamped<DecisionEvent | Extract<TraceEvent, { kind: 'LayerFault' }>>;

type MemOpEvent = Extract<EnvEvent, { kind: 'MemOp' }>;
type DeliverEvent = Extract<EnvEvent, { kind: 'Deliver' }>;

/**
 * What an adapter supplies: its fabric. The contract calls these only for calls that passed its
 * rules, with private copies of what the layer passed.
 */
export interface EnvTransport {
  readonly host: LayerHost;
  readonly paths: number;
  /** Words of this host's memory (the address rule's bound). */
  readonly memoryWords: number;
  /** Words after memoryWords that belong to the layer (SimConfig.layerMemoryWords; absent: none). */
  readonly layerMemoryWords?: number;
  /** Appends one event of this host's layer to the run's record. */
  record(e: EnvEvent): void;
  /**
   * Hands `wr` to the QP of `path`. Returns the fabric's refusal (e.g. the QP is not in RTS: not
   * misuse), or undefined when posted; the contract then records the Post.
   */
  post(path: number, wr: SendWr): string | undefined;
  /** What follows a recorded Post (the simulator transmits here, so Send comes after Post). */
  posted?(path: number, wr: SendWr): void;
  /** As post, for a RECV. */
  postRecv(path: number, wr: RecvWr): string | undefined;
  /**
   * Reconnects this host's QP of `path` with these initial PSNs (the Reset is already recorded):
   * its WQEs are discarded without completions; the peer's QP is not touched.
   */
  reset(path: number, sqPsn: number, rqPsn: number): void;
  /** Moves this host's QP of `path` to ERR, flushing its WQEs (the MoveToError is already recorded). */
  moveToError(path: number): void;
  /** Arms a timer (the SetTimer is already recorded); firing it is the transport's. */
  setTimer(delayNs: number, token: string): void;
  /** Carries a private copy of a control message to the peer (the SendControl is already recorded). */
  sendControl(msg: unknown): void;
  /** The word at `addr` (a valid address) before a memory operation. */
  word(addr: number): number;
  /** Stores a word (the MemOp is already recorded). */
  setWord(addr: number, value: number): void;
  /** Nanoseconds, as the layer sees them. */
  now(): number;
}

/** A LayerEnv bound to its transport, and what the adapter tells it about the application. */
export interface ContractEnv {
  /** The env to hand to the layer instance. */
  readonly env: LayerEnv;
  /** The application on this host posted send WR `id`: the layer may post it and deliver its completion. */
  appPostedSend(id: number): void;
  /** The application on this host posted RECV `id`. */
  appPostedRecv(id: number): void;
}

/** Builds the LayerEnv of one host on `t`, enforcing every rule of the contract. */
export function contractEnv(t: EnvTransport): ContractEnv {
  const { host, paths, memoryWords } = t;
  const sendIds = new Set<number>();
  const recvIds = new Set<number>();
  const deliveredSends = new Set<number>();
  const deliveredRecvs = new Set<number>();

  const fault = (during: string, reason: string): void => t.record({ kind: 'LayerFault', host, during, reason });

  /** Refuses a post: recorded as the decision it was, plus a LayerFault when it is misuse. */
  const refusePost = (path: number, wr: SendWr, error: string, misuse: boolean): PostResult => {
    t.record({ kind: 'Post', host, path, wr, ok: false, error });
    if (misuse) fault('post', error);
    return { ok: false, error };
  };
  const refusePostRecv = (path: number, wr: RecvWr, error: string, misuse: boolean): PostResult => {
    t.record({ kind: 'PostRecv', host, path, wr, ok: false, error });
    if (misuse) fault('postRecv', error);
    return { ok: false, error };
  };

  // A WR that is no WR, or a path that is no integer, cannot be written into the trace file: it is
  // refused as a LayerFault alone, not recorded as a Post.
  const post = (path: number, wrIn: SendWr): PostResult => {
    const malformed = malformedSendWr(wrIn) ?? (Number.isInteger(path) ? undefined : badPath(path, paths));
    if (malformed) {
      fault('post', malformed);
      return { ok: false, error: malformed };
    }
    const wr = copyWr(wrIn);
    const misuse = postMisuse(host, path, paths, wr, sendIds);
    if (misuse) return refusePost(path, wr, misuse, true);
    const refused = t.post(path, wr);
    if (refused !== undefined) return refusePost(path, wr, refused, false);
    t.record({ kind: 'Post', host, path, wr, ok: true });
    t.posted?.(path, wr);
    return { ok: true };
  };

  const postRecv = (path: number, wrIn: RecvWr): PostResult => {
    const malformed = malformedRecvWr(wrIn) ?? (Number.isInteger(path) ? undefined : badPath(path, paths));
    if (malformed) {
      fault('postRecv', malformed);
      return { ok: false, error: malformed };
    }
    const wr = { ...wrIn };
    const misuse = postRecvMisuse(host, path, paths, wr, recvIds);
    if (misuse) return refusePostRecv(path, wr, misuse, true);
    const refused = t.postRecv(path, wr);
    if (refused !== undefined) return refusePostRecv(path, wr, refused, false);
    t.record({ kind: 'PostRecv', host, path, wr, ok: true });
    return { ok: true };
  };

  // The PSNs are chosen here, explicitly (0 unless given), and recorded: a trace shows which
  // PSNs each end of a reconnected path sends from and expects.
  const reset = (path: number, psns?: ResetPsns): void => {
    const misuse = badPath(path, paths) ?? badResetPsns(psns);
    if (misuse) return fault('reset', misuse);
    const sqPsn = psns?.sqPsn ?? 0;
    const rqPsn = psns?.rqPsn ?? 0;
    t.record({ kind: 'Reset', host, path, sqPsn, rqPsn });
    t.reset(path, sqPsn, rqPsn);
  };

  const moveToError = (path: number): void => {
    const misuse = badPath(path, paths);
    if (misuse) return fault('moveToError', misuse);
    t.record({ kind: 'MoveToError', host, path });
    t.moveToError(path);
  };

  // A delivery is recorded even when it is misuse (the application did receive it); the
  // LayerFault follows. Only a value that is no completion at all is refused outright. An
  // attribution that breaks its rule is left out of the record (the completion still reaches
  // the application, as nobody's effect) and is a LayerFault of its own.
  const deliver = (wcIn: WorkCompletion, options?: DeliverOptions): void => {
    const malformed = malformedCompletion(wcIn);
    if (malformed) return fault('deliver', malformed);
    const wc = copyWc(wcIn);
    const forWr: unknown = options?.forWr;
    const badAttribution = deliverAttributionMisuse(wc, forWr);
    const e: DeliverEvent = { kind: 'Deliver', host, wc };
    if (forWr !== undefined && !badAttribution) e.forWr = forWr as number;
    t.record(e);
    const isRecv = wc.opcode === 'RECV';
    const delivered = isRecv ? deliveredRecvs : deliveredSends;
    const misuse = deliverMisuse(isRecv, wc.wrId, isRecv ? recvIds : sendIds, delivered);
    if (misuse) fault('deliver', misuse);
    if (badAttribution) fault('deliver', badAttribution);
    delivered.add(wc.wrId);
  };

  const setTimer = (delayNs: number, token: string): void => {
    const misuse = timerMisuse(delayNs, token);
    if (misuse) return fault('setTimer', misuse);
    t.record({ kind: 'SetTimer', host, delayNs, token });
    t.setTimer(delayNs, token);
  };

  const sendControl = (msgIn: unknown): void => {
    let msg: unknown;
    try {
      msg = copyControl(msgIn);
    } catch (err) {
      return fault('sendControl', controlRefusal(err));
    }
    t.record({ kind: 'SendControl', host, msg });
    t.sendControl(msg);
  };

  const env: LayerEnv = {
    host,
    paths,
    memoryWords,
    ...(t.layerMemoryWords ? { layerMemoryWords: t.layerMemoryWords } : {}),
    post,
    postRecv,
    reset,
    moveToError,
    deliver,
    setTimer,
    sendControl,
    memory: contractMemory(t, fault),
    now: () => t.now(),
  };
  return {
    env,
    appPostedSend: (id) => void sendIds.add(id),
    appPostedRecv: (id) => void recvIds.add(id),
  };
}

/** The host's own memory through its CPU: checked, recorded, then done on the transport's words. */
function contractMemory(t: EnvTransport, fault: (during: string, reason: string) => void): LocalMemory {
  const { host } = t;
  // The layer's own words follow the application's: its CPU reaches both.
  const memoryWords = t.memoryWords + (t.layerMemoryWords ?? 0);
  /** The first rule the operation breaks, recorded as a LayerFault; true when none. */
  const allowed = (op: string, addr: number, misuse?: string): boolean => {
    const reason = badAddress(addr, memoryWords) ?? misuse;
    if (reason === undefined) return true;
    fault(`memory.${op}`, reason);
    return false;
  };
  /** The effect's attribution, recorded only when the layer gave one. */
  const attribute = (e: MemOpEvent, o: MemOpOptions | undefined): MemOpEvent => {
    if (o?.forWr !== undefined) e.forWr = o.forWr;
    return e;
  };
  return {
    read(addr, o) {
      if (!allowed('read', addr, badForWr(o?.forWr))) return 0;
      const old = t.word(addr);
      t.record(attribute({ kind: 'MemOp', host, op: 'read', addr, old }, o));
      return old;
    },
    write(addr, value, o) {
      if (!allowed('write', addr, badWordValue('value', value) ?? badForWr(o?.forWr))) return;
      t.record(attribute({ kind: 'MemOp', host, op: 'write', addr, value, old: t.word(addr) }, o));
      t.setWord(addr, value);
    },
    fetchAdd(addr, add, o) {
      if (!allowed('fetchAdd', addr, badWordValue('add', add) ?? badForWr(o?.forWr))) return 0;
      const old = t.word(addr);
      t.record(attribute({ kind: 'MemOp', host, op: 'fetchAdd', addr, add, old }, o));
      t.setWord(addr, old + add);
      return old;
    },
    cmpSwap(addr, compare, swap, o) {
      if (
        !allowed('cmpSwap', addr, badWordValue('compare', compare) ?? badWordValue('swap', swap) ?? badForWr(o?.forWr))
      )
        return 0;
      const old = t.word(addr);
      t.record(attribute({ kind: 'MemOp', host, op: 'cmpSwap', addr, compare, swap, old }, o));
      if (old === compare) t.setWord(addr, swap);
      return old;
    },
  };
}
