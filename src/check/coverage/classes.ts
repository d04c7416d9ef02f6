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

/** Completions the NIC raised with one of `statuses` (what the layer observed). */
function completionWith(statuses: readonly string[]): (trace: Trace) => boolean {
  return (trace) => trace.some((e) => e.kind === 'Completion' && statuses.includes(e.wc.status));
}

/** Every coverage class, in the order tables list them. The one definition. */
export const COVERAGE_CLASSES: readonly CoverageClass[] = [
  {
    name: 'request-lost-before-execution',
    needs: ['PacketLost'],
    description: 'a request packet was lost on the wire before the responder saw it',
    exercised: (trace) => trace.some((e) => e.kind === 'PacketLost'),
  },
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
  {
    name: 'rnr-nak',
    needs: ['Ack', 'AckLost'],
    description: 'the responder answered Receiver Not Ready (no RECV posted for a SEND)',
    exercised: (trace) => trace.some((e) => (e.kind === 'Ack' || e.kind === 'AckLost') && e.nak === 'RNR'),
  },
  {
    name: 'retry-exhausted',
    needs: ['Completion'],
    description: 'a WR completed with RETRY_EXC_ERR or RNR_RETRY_EXC_ERR (the NIC gave up)',
    exercised: completionWith(['RETRY_EXC_ERR', 'RNR_RETRY_EXC_ERR']),
  },
  {
    name: 'remote-error',
    needs: ['Completion'],
    description: 'a WR completed with a remote error (REM_ACCESS_ERR, REM_INV_REQ_ERR, REM_OP_ERR)',
    exercised: completionWith(['REM_ACCESS_ERR', 'REM_INV_REQ_ERR', 'REM_OP_ERR']),
  },
  {
    name: 'qp-flushed',
    needs: ['Completion'],
    description: 'a WR completed with WR_FLUSH_ERR (its QP went to the error state)',
    exercised: completionWith(['WR_FLUSH_ERR']),
  },
  {
    name: 'port-err',
    needs: ['PortEvent'],
    description: 'a layer observed PORT_ERR on one of its ports',
    exercised: (trace) => trace.some((e) => e.kind === 'PortEvent' && e.event === 'PORT_ERR'),
  },
  {
    name: 'failover-performed',
    needs: ['Post'],
    description: "a layer re-posted an application's WR on another path than the one it first used",
    exercised: (trace) => {
      const firstPath = new Map<string, number>();
      for (const e of eventsOf(trace, 'Post')) {
        if (!e.ok || e.wr.id <= 0) continue; // the layer's own WRs (probes, handshakes) are not failover
        const key = `${e.host}/${e.wr.id}`;
        const first = firstPath.get(key);
        if (first === undefined) firstPath.set(key, e.path);
        else if (first !== e.path) return true;
      }
      return false;
    },
  },
  {
    name: 'qp-reset',
    needs: ['Reset'],
    description: 'a layer reset (reconnected) a QP',
    exercised: (trace) => trace.some((e) => e.kind === 'Reset'),
  },
  {
    name: 'psn-duplicate',
    needs: ['Receive'],
    description: 'the responder received a request whose PSN it had already executed (a transport retransmission)',
    exercised: (trace) => trace.some((e) => e.kind === 'Receive' && e.duplicate),
  },
  {
    name: 'atomic-from-cache',
    needs: ['Receive'],
    description: "a duplicate atomic was answered from the responder's atomic cache, not executed again",
    exercised: (trace) => trace.some((e) => e.kind === 'Receive' && e.duplicate && ATOMICS.has(e.op)),
  },
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
  {
    name: 'control-channel-loss',
    needs: ['ControlLost'],
    description: 'a control message between the layers was lost (management network down)',
    exercised: (trace) => trace.some((e) => e.kind === 'ControlLost'),
  },
  {
    name: 'layer-timer-fired',
    needs: ['TimerFired'],
    description: "one of the layer's own timers fired",
    exercised: (trace) => trace.some((e) => e.kind === 'TimerFired'),
  },
];

/** Every coverage class name, in table order. */
export const COVERAGE_CLASS_NAMES: readonly string[] = COVERAGE_CLASSES.map((c) => c.name);

/** The names of the classes a run exercised, in table order. */
export function coverageOf(trace: Trace): string[] {
  const kinds = new Set<string>();
  for (const e of trace) kinds.add(e.kind);
  const out: string[] = [];
  for (const c of COVERAGE_CLASSES)
    if ((c.needs?.some((k) => kinds.has(k)) ?? true) && c.exercised(trace)) out.push(c.name);
  return out;
}
