/**
 * The application-level history of a run, extracted from its trace: each application WR with
 * its post, its completions and its effects at the responder; each application RECV with its
 * consumptions and completions. Every property reads the trace through these.
 */
import type { Trace, TraceEvent } from '../../src/core/trace';
import type { LayerHost, SendWr } from '../../src/core/verbs';
import { consumesRecv } from '../../src/core/verbs';

type Ev<K extends TraceEvent['kind']> = Extract<TraceEvent, { kind: K }>;

/**
 * An effect of a WR at the responder: the NIC executed it, or the peer's layer did it for it and
 * said so with `forWr` (README, "Effects a layer performs itself"): a memory operation, a read
 * serving a READ, or a RECV completion carrying a SEND's or WRITE_WITH_IMM's message.
 */
export type EffectEvent = Ev<'Execute'> | Ev<'MemOp'> | Ev<'Deliver'>;

/** One application send WR and what became of it. */
export interface AppWr {
  host: LayerHost;
  /** The host whose memory / receive queue the WR targets. */
  peer: LayerHost;
  wr: SendWr;
  post: Ev<'AppPostSend'>;
  /** Every completion the layer handed the application for this WR, in order. */
  deliveries: Ev<'Deliver'>[];
  /**
   * Successful executions of this WR's own opcode at the peer, and what the peer's layer
   * attributed to it: MemOps of its kind (a read for a READ, a write or atomic otherwise) and,
   * for a SEND or WRITE_WITH_IMM, RECV deliveries. In trace order.
   */
  effects: EffectEvent[];
}

/** One application RECV and what became of it. */
export interface AppRecv {
  host: LayerHost;
  id: number;
  post: Ev<'AppPostRecv'>;
  deliveries: Ev<'Deliver'>[];
  /** The NIC consumed this very RECV (the layer posted it with the application's id). */
  consumptions: Ev<'RecvConsumed'>[];
}

/** The other host of a path. */
export function peerOf(host: LayerHost): LayerHost {
  return host === 'A' ? 'B' : 'A';
}

/**
 * A lookup by host and WR id: one Map per host, keyed by the id itself (ids are integers in every
 * trace: the contract and the scenario checks refuse any other), so a lookup builds no key
 * string; these run over every event of every judged run (issue 13).
 */
class ByHostAndId<T> {
  private readonly a = new Map<number, T>();
  private readonly b = new Map<number, T>();
  /** Any other host a hand-made trace names, keyed as before: "host:id". */
  private other: Map<string, T> | undefined;
  get(host: LayerHost, id: number): T | undefined {
    return host === 'A' ? this.a.get(id) : host === 'B' ? this.b.get(id) : this.other?.get(`${host}:${id}`);
  }
  has(host: LayerHost, id: number): boolean {
    return host === 'A' ? this.a.has(id) : host === 'B' ? this.b.has(id) : this.other?.has(`${host}:${id}`) === true;
  }
  set(host: LayerHost, id: number, value: T): void {
    if (host === 'A') this.a.set(id, value);
    else if (host === 'B') this.b.set(id, value);
    else (this.other ??= new Map()).set(`${host}:${id}`, value);
  }
}

/** Every application send WR of both hosts, in posting order. */
export function appWrs(trace: Trace): AppWr[] {
  const out: AppWr[] = [];
  const byKey = new ByHostAndId<AppWr>();
  for (const e of trace) {
    if (e.kind === 'AppPostSend') {
      const w: AppWr = { host: e.host, peer: peerOf(e.host), wr: e.wr, post: e, deliveries: [], effects: [] };
      // Ids are unique per host; a repeated id (a malformed scenario) keeps the first post.
      if (!byKey.has(e.host, e.wr.id)) {
        byKey.set(e.host, e.wr.id, w);
        out.push(w);
      }
    } else if (e.kind === 'Deliver' && e.wc.opcode !== 'RECV') {
      byKey.get(e.host, e.wc.wrId)?.deliveries.push(e);
    } else if (e.kind === 'Execute' && e.status === 'SUCCESS') {
      const w = byKey.get(e.from, e.wr);
      if (w && e.host === w.peer && e.op === w.wr.opcode) w.effects.push(e);
    } else if (e.kind === 'MemOp' && e.forWr !== undefined) {
      const w = byKey.get(peerOf(e.host), e.forWr);
      if (w && (e.op === 'read') === (w.wr.opcode === 'READ')) w.effects.push(e);
    } else if (e.kind === 'Deliver' && e.forWr !== undefined && e.wc.status === 'SUCCESS') {
      const w = byKey.get(peerOf(e.host), e.forWr);
      if (w && consumesRecv(w.wr.opcode)) w.effects.push(e);
    }
  }
  return out;
}

/**
 * The events of `w.effects` that each stand for one execution. The peer's layer that delivers a
 * message itself may have executed it in two steps (a WRITE_WITH_IMM's memory write, then its
 * RECV completion) or relayed what the NIC executed into its own buffer: an attributed delivery
 * is the landing of a message whose other part is an Execute or an attributed MemOp. So the
 * executions are the deliveries or the other effects, whichever are more (each delivery pairs
 * with one other effect, in either order).
 */
export function executionsOf(w: AppWr): EffectEvent[] {
  const deliveries = w.effects.filter((e) => e.kind === 'Deliver');
  const others = w.effects.filter((e) => e.kind !== 'Deliver');
  return deliveries.length > others.length ? deliveries : others;
}

/** Every application RECV of both hosts, in posting order. */
export function appRecvs(trace: Trace): AppRecv[] {
  const out: AppRecv[] = [];
  const byKey = new ByHostAndId<AppRecv>();
  for (const e of trace) {
    if (e.kind === 'AppPostRecv') {
      if (!byKey.has(e.host, e.wr.id)) {
        const r: AppRecv = { host: e.host, id: e.wr.id, post: e, deliveries: [], consumptions: [] };
        byKey.set(e.host, e.wr.id, r);
        out.push(r);
      }
    } else if (e.kind === 'Deliver' && e.wc.opcode === 'RECV') {
      byKey.get(e.host, e.wc.wrId)?.deliveries.push(e);
    } else if (e.kind === 'RecvConsumed') {
      byKey.get(e.host, e.recvWr)?.consumptions.push(e);
    }
  }
  return out;
}

/**
 * A history computed once per trace for every property that reads it (six read the same run).
 * Keyed by the trace array, and recomputed when the trace has grown or its last event changed;
 * the result is shared, so callers must not change it. The checker judges one run with every
 * property before the next, so the last two traces are remembered, by strong reference. Not a
 * WeakMap: V8's scavenger keeps the value of every entry whose key is still young, so a WeakMap
 * entry per run promoted each run's history (and the trace events it points to) to the old
 * generation: about 2 MB per scavenge, a fifth of a completion-log audit's CPU in GC (issue 13).
 */
function memoized<T>(compute: (trace: Trace) => T): (trace: Trace) => T {
  type Entry = { trace: Trace; length: number; last: TraceEvent | undefined; value: T };
  let newest: Entry | undefined;
  let older: Entry | undefined;
  return (trace) => {
    const last = trace[trace.length - 1];
    const fresh = (e: Entry | undefined): boolean =>
      e !== undefined && e.trace === trace && e.length === trace.length && e.last === last;
    if (fresh(newest)) return newest!.value;
    if (fresh(older)) return older!.value;
    const value = compute(trace);
    if (newest !== undefined && newest.trace !== trace) older = newest;
    newest = { trace, length: trace.length, last, value };
    return value;
  };
}

/** appWrs, shared by the properties judging one run (read only). */
export const sharedAppWrs: (trace: Trace) => readonly AppWr[] = memoized(appWrs);

/** appRecvs, shared by the properties judging one run (read only). */
export const sharedAppRecvs: (trace: Trace) => readonly AppRecv[] = memoized(appRecvs);

/** The End event of a trace (the last event of a finished run). */
export function endEvent(trace: Trace): Ev<'End'> | undefined {
  const last = trace[trace.length - 1];
  return last?.kind === 'End' ? last : undefined;
}

/** True when the WR's address is a valid word of a `words`-word memory (as the NIC checks it). */
export function validAddress(wr: SendWr, words: number): boolean {
  if (wr.opcode === 'SEND') return true;
  if (wr.opcode === 'WRITE_WITH_IMM' && wr.addr === undefined) return true;
  return wr.addr !== undefined && Number.isInteger(wr.addr) && wr.addr >= 0 && wr.addr < words;
}

/** The first SUCCESS completion among a WR's deliveries. */
export function firstSuccess(deliveries: Ev<'Deliver'>[]): Ev<'Deliver'> | undefined {
  return deliveries.find((d) => d.wc.status === 'SUCCESS');
}

/** Canonical JSON (sorted keys, undefined dropped): equality of plain data regardless of key order. */
export function canonical(x: unknown): string {
  return JSON.stringify(sortKeys(x));
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(x as object).sort()) {
      const v = (x as Record<string, unknown>)[k];
      if (v !== undefined) o[k] = sortKeys(v);
    }
    return o;
  }
  return x;
}

/**
 * True when a SEND/WRITE_WITH_IMM is beyond the RECVs its peer's application posted: it can
 * never land (RNR), and that is the application's doing, not the layer's.
 */
export function lacksBuffer(w: AppWr, wrs: readonly AppWr[], recvs: readonly AppRecv[]): boolean {
  if (w.wr.opcode !== 'SEND' && w.wr.opcode !== 'WRITE_WITH_IMM') return false;
  const msgs = wrs.filter((m) => m.host === w.host && (m.wr.opcode === 'SEND' || m.wr.opcode === 'WRITE_WITH_IMM'));
  const buffers = recvs.filter((r) => r.host === w.peer).length;
  return msgs.indexOf(w) >= buffers;
}
