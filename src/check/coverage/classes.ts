/**
 * The coverage classes: the failure situations that matter for failover, each defined once, here,
 * as a predicate over a run's trace. Computed from the trace only, so they mean
 * the same for every adapter that records one (sim, native, C-ABI layers). The audit counts, per op
 * class, the runs that exercised each class (report.coverage); requireCoverage names them.
 */
import type { Trace, TraceEvent } from '../../core/trace';

/** One failure situation, named, with the trace test that says a run exercised it. */
export interface CoverageClass {
  /** The name report.coverage and requireCoverage use (kebab-case, stable). */
  readonly name: string;
  /** One line for docs and tables: what the run must contain. */
  readonly description: string;
  /** True when the run exercised the situation. */
  readonly exercised: (trace: Trace) => boolean;
  /**
   * Event kinds of which a trace must hold at least one for `exercised` to be true (absent: any trace may): coverageOf
   * skips the class's own scan of a trace that holds none (most runs lose no packet, reset no QP).
   */
  readonly needs?: readonly TraceEvent['kind'][];
  /**
   * For a class one event exercises: true for such an event (of a kind in `needs`); `exercised`
   * is then "some event of a needed kind matches". coverageOf tests these in its one pass.
   */
  readonly matches?: (e: TraceEvent) => boolean;
}

type Ev<K extends TraceEvent['kind']> = Extract<TraceEvent, { kind: K }>;

/** The events of one kind, typed. */
function eventsOf<K extends TraceEvent['kind']>(trace: Trace, kind: K): Ev<K>[] {
  return trace.filter((e): e is Ev<K> => e.kind === kind);
}

const ATOMICS = new Set(['FETCH_ADD', 'CMP_SWAP']);

/** Keys of WRs (requester, wr id, path) the responder executed, for "lost after execution". */
function executedKey(host: string, path: number, wr: number): string {
  return `${host}/${path}/${wr}`;
}

/** A response of an executed request was lost (not a NAK): the sender cannot tell it from a lost request. */
function responsesLostAfterExecution(trace: Trace): Ev<'AckLost'>[] {
  // Two classes ask this of the same trace, one after the other: the second reuses the answer.
  if (lastLost.trace === trace && lastLost.length === trace.length) return lastLost.lost;
  const lost = computeResponsesLost(trace);
  lastLost = { trace, length: trace.length, lost };
  return lost;
}

let lastLost: { trace: Trace | undefined; length: number; lost: Ev<'AckLost'>[] } = {
  trace: undefined,
  length: 0,
  lost: [],
};

function computeResponsesLost(trace: Trace): Ev<'AckLost'>[] {
  const executed = new Set<string>();
  const lost: Ev<'AckLost'>[] = [];
  for (const e of trace) {
    if (e.kind === 'Execute' && e.status === 'SUCCESS') executed.add(executedKey(e.from, e.path, e.wr));
    // AckLost is on the net; the requester of a response is whoever executed's `from` was: try both.
    if (e.kind === 'AckLost' && e.nak === undefined) {
      if (executed.has(executedKey('A', e.path, e.wr)) || executed.has(executedKey('B', e.path, e.wr))) lost.push(e);
    }
  }
  return lost;
}

/** The word a third-party operation leaves behind. */
function thirdPartyResult(e: Ev<'ThirdParty'>): number {
  if (e.op === 'WRITE') return e.value ?? e.old;
  if (e.op === 'FETCH_ADD') return e.old + (e.add ?? 0);
  return e.old === e.compare ? (e.swap ?? e.old) : e.old;
}

/** A class that one event exercises: an event of a kind in `needs` that `matches`. */
function byEvent(c: {
  name: string;
  description: string;
  needs: readonly TraceEvent['kind'][];
  matches: (e: TraceEvent) => boolean;
}): CoverageClass {
  return { ...c, exercised: (trace) => trace.some((e) => c.needs.includes(e.kind) && c.matches(e)) };
}

/** A completion the NIC raised with one of `statuses` (what the layer observed). */
function completionWith(statuses: readonly string[]): (e: TraceEvent) => boolean {
  return (e) => e.kind === 'Completion' && statuses.includes(e.wc.status);
}

/**
 * A layer re-posted an application WR on another path than its first. Keyed per host by the WR
 * id (a number: the env refuses any other id; a trace from elsewhere falls back to string keys,
 * which is what the definition means: "host/id").
 */
function failoverPerformed(trace: Trace): boolean {
  const firstPath = { A: new Map<unknown, number>(), B: new Map<unknown, number>() };
  for (const e of trace) {
    if (e.kind !== 'Post' || !e.ok || e.wr.id <= 0) continue; // the layer's own WRs (probes, handshakes) are not failover
    // Not an index into firstPath: a foreign trace's host "toString" would find Object's method.
    const byHost = e.host === 'A' ? firstPath.A : e.host === 'B' ? firstPath.B : undefined;
    if (byHost === undefined || typeof e.wr.id !== 'number') return failoverPerformedByString(trace);
    const first = byHost.get(e.wr.id);
    if (first === undefined) byHost.set(e.wr.id, e.path);
    else if (first !== e.path) return true;
  }
  return false;
}

/** failoverPerformed with the definition's "host/id" string keys (any id, any host name). */
function failoverPerformedByString(trace: Trace): boolean {
  const firstPath = new Map<string, number>();
  for (const e of eventsOf(trace, 'Post')) {
    if (!e.ok || e.wr.id <= 0) continue;
    const key = `${e.host}/${e.wr.id}`;
    const first = firstPath.get(key);
    if (first === undefined) firstPath.set(key, e.path);
    else if (first !== e.path) return true;
  }
  return false;
}

/** Every coverage class, in the order tables list them. The one definition. */
export const COVERAGE_CLASSES: readonly CoverageClass[] = [
  byEvent({
    name: 'request-lost-before-execution',
    needs: ['PacketLost'],
    description: 'a request packet was lost on the wire before the responder saw it',
    matches: (e) => e.kind === 'PacketLost',
  }),
  {
    name: 'response-lost-after-execution',
    needs: ['AckLost'],
    description: 'the responder executed a request and its response (ACK, READ data, atomic result) was lost',
    exercised: (trace) => responsesLostAfterExecution(trace).length > 0,
  },
  {
    name: 'ack-lost-then-memory-reused',
    needs: ['AckLost'],
    description: "a WRITE's response was lost after it executed, and the receiver then reused that word",
    exercised: (trace) => {
      const lost = new Set(responsesLostAfterExecution(trace).map((e) => e.wr));
      const written = new Map<number, number>(); // addr -> index of the Execute whose ACK was lost
      for (const e of trace) {
        if (e.kind === 'Execute' && e.addr !== undefined && lost.has(e.wr) && e.op.startsWith('WRITE'))
          written.set(e.addr, e.i);
        if (e.kind === 'AppReuse' && written.has(e.addr)) return true;
      }
      return false;
    },
  },
  byEvent({
    name: 'rnr-nak',
    needs: ['Ack', 'AckLost'],
    description: 'the responder answered Receiver Not Ready (no RECV posted for a SEND)',
    matches: (e) => (e.kind === 'Ack' || e.kind === 'AckLost') && e.nak === 'RNR',
  }),
  byEvent({
    name: 'retry-exhausted',
    needs: ['Completion'],
    description: 'a WR completed with RETRY_EXC_ERR or RNR_RETRY_EXC_ERR (the NIC gave up)',
    matches: completionWith(['RETRY_EXC_ERR', 'RNR_RETRY_EXC_ERR']),
  }),
  byEvent({
    name: 'remote-error',
    needs: ['Completion'],
    description: 'a WR completed with a remote error (REM_ACCESS_ERR, REM_INV_REQ_ERR, REM_OP_ERR)',
    matches: completionWith(['REM_ACCESS_ERR', 'REM_INV_REQ_ERR', 'REM_OP_ERR']),
  }),
  byEvent({
    name: 'qp-flushed',
    needs: ['Completion'],
    description: 'a WR completed with WR_FLUSH_ERR (its QP went to the error state)',
    matches: completionWith(['WR_FLUSH_ERR']),
  }),
  byEvent({
    name: 'port-err',
    needs: ['PortEvent'],
    description: 'a layer observed PORT_ERR on one of its ports',
    matches: (e) => e.kind === 'PortEvent' && e.event === 'PORT_ERR',
  }),
  {
    name: 'failover-performed',
    needs: ['Post'],
    description: "a layer re-posted an application's WR on another path than the one it first used",
    exercised: failoverPerformed,
  },
  byEvent({
    name: 'qp-reset',
    needs: ['Reset'],
    description: 'a layer reset (reconnected) a QP',
    matches: (e) => e.kind === 'Reset',
  }),
  byEvent({
    name: 'psn-duplicate',
    needs: ['Receive'],
    description: 'the responder received a request whose PSN it had already executed (a transport retransmission)',
    matches: (e) => e.kind === 'Receive' && e.duplicate,
  }),
  byEvent({
    name: 'atomic-from-cache',
    needs: ['Receive'],
    description: "a duplicate atomic was answered from the responder's atomic cache, not executed again",
    matches: (e) => e.kind === 'Receive' && e.duplicate && ATOMICS.has(e.op),
  }),
  {
    name: 'third-party-aba',
    needs: ['ThirdParty'],
    description: 'a third party put back the value a WR had replaced at the responder (A-B-A)',
    exercised: (trace) => {
      const replaced = new Map<number, number>(); // addr -> the value an executed WR overwrote
      for (const e of trace) {
        if (e.kind === 'Execute' && e.status === 'SUCCESS' && e.addr !== undefined && e.old !== undefined) {
          if (e.value !== undefined && e.value !== e.old) replaced.set(e.addr, e.old);
        }
        if (e.kind === 'ThirdParty' && replaced.get(e.addr) === thirdPartyResult(e) && e.old !== thirdPartyResult(e))
          return true;
      }
      return false;
    },
  },
  byEvent({
    name: 'control-channel-loss',
    needs: ['ControlLost'],
    description: 'a control message between the layers was lost (management network down)',
    matches: (e) => e.kind === 'ControlLost',
  }),
  byEvent({
    name: 'layer-timer-fired',
    needs: ['TimerFired'],
    description: "one of the layer's own timers fired",
    matches: (e) => e.kind === 'TimerFired',
  }),
];

/** Every coverage class name, in table order. */
export const COVERAGE_CLASS_NAMES: readonly string[] = COVERAGE_CLASSES.map((c) => c.name);

/** What coverageOf looks for in an event of one kind: classes it may exercise, scans it enables. */
interface KindWatch {
  /** Indices (in COVERAGE_CLASSES) of the one-event classes that need this kind, with their test. */
  readonly matches: { index: number; test: (e: TraceEvent) => boolean }[];
  /** Indices of the scanning classes that need this kind (they scan only traces that hold one). */
  readonly enables: number[];
}

/** Per event kind, what coverageOf does with such an event: built once from the classes. */
const WATCH_BY_KIND: ReadonlyMap<string, KindWatch> = (() => {
  const byKind = new Map<string, KindWatch>();
  const watch = (kind: string): KindWatch => {
    let w = byKind.get(kind);
    if (!w) byKind.set(kind, (w = { matches: [], enables: [] }));
    return w;
  };
  COVERAGE_CLASSES.forEach((c, index) => {
    for (const kind of c.needs ?? []) {
      if (c.matches) watch(kind).matches.push({ index, test: c.matches });
      else watch(kind).enables.push(index);
    }
  });
  return byKind;
})();

/**
 * The names of the classes a run exercised, in table order. One pass over the trace decides every
 * one-event class (`matches`) and which scanning classes the trace can exercise at all (one of
 * their `needs`); only those scan it (most runs lose no ACK and see no third party). Equal to
 * testing every class's `exercised` (tested); 15 scans and a set of kinds per run were about 5%
 * of a completion-log audit (issue 13).
 */
export function coverageOf(trace: Trace): string[] {
  const hit: boolean[] = new Array<boolean>(COVERAGE_CLASSES.length).fill(false);
  const scan: boolean[] = COVERAGE_CLASSES.map((c) => c.needs === undefined);
  for (let k = 0; k < trace.length; k++) {
    const e = trace[k];
    const w = WATCH_BY_KIND.get(e.kind);
    if (w === undefined) continue;
    for (const m of w.matches) if (!hit[m.index] && m.test(e)) hit[m.index] = true;
    for (const index of w.enables) scan[index] = true;
  }
  const out: string[] = [];
  COVERAGE_CLASSES.forEach((c, index) => {
    if (hit[index] || (scan[index] && c.exercised(trace))) out.push(c.name);
  });
  return out;
}
