/**
 * linearizability: the application-level history has a legal sequential order under the RDMA
 * memory semantics, per memory word (P-compositionality). Posts are invocations, SUCCESS
 * completions responses (with their returned values), error completions and missing ones
 * indeterminate; B's application consume (a read) and reuse (a write), the third party's
 * operations, and a final read of every word from the End event's memory are operations too.
 * Catches write-after-reuse (the paper's T2), FADD double count, CAS double success (ABA), lost
 * updates and reordering. The explanation names the WR executed twice, or after reuse, whether
 * the NIC or the peer's layer executed it (with forWr).
 */
import type { Execution } from '../src/core/execution';
import type { Verdict } from '../src/core/property';
import type { LayerHost } from '../src/core/verbs';
import { ATTRIBUTION_DOC } from './support/attribution';
import { sharedAppWrs, endEvent, executionsOf, firstSuccess, validAddress } from './support/history';
import type { AppWr, EffectEvent } from './support/history';
import { describeOp, describeWr, fmtTime, word } from './support/describe';
import { defineProperty } from './support/safe';
import { linearize } from './support/wgl';
import type { HistoryOp, WordOp } from './support/wgl';

/** The node budget of one word's search; beyond it the verdict is `unknown`. */
export const LINEARIZABILITY_MAX_NODES = 200_000;

/** The linearizability property. */
export const linearizability = defineProperty(
  'linearizability',
  'the application-level history has a legal sequential order per memory word',
  (run) => {
    const end = endEvent(run.trace);
    if (!end)
      return {
        status: 'unknown',
        reason: 'linearizability: the trace has no End event, so the final memory is unknown',
      };
    const histories = wordHistories(run);
    for (const [k, ops] of histories) {
      const [host, addrText] = k.split(':');
      const addr = Number(addrText);
      const memHost = host as LayerHost;
      ops.push({
        op: { kind: 'read' },
        call: end.i,
        ret: end.i,
        result: end.memory[memHost][addr],
        label: () => `final read of ${word(memHost, addr)} = ${end.memory[memHost][addr]}`,
        events: [end.i],
      });
      const r = linearize(ops, 0, { maxNodes: LINEARIZABILITY_MAX_NODES });
      if (r.outcome === 'linearizable') continue;
      if (r.outcome === 'unknown')
        return { status: 'unknown', reason: `linearizability: ${word(memHost, addr)}: ${r.reason}` };
      return explain(run, memHost, addr, ops);
    }
    return { status: 'holds' };
  },
);

/** The operations on each word, keyed "B:0" (the word's host and address), in trace order. */
function wordHistories(run: Execution): Map<string, HistoryOp[]> {
  const words = run.config.memoryWords;
  const histories = new Map<string, HistoryOp[]>();
  const add = (host: LayerHost, addr: number, op: HistoryOp) => {
    const k = `${host}:${addr}`;
    if (!histories.has(k)) histories.set(k, []);
    histories.get(k)!.push(op);
  };
  const wrs = sharedAppWrs(run.trace);
  for (const w of wrs) {
    const op = wordOpOf(w);
    if (!op || !validAddress(w.wr, words)) continue;
    const ok = firstSuccess(w.deliveries);
    // Only the first completion counts; an error one is indeterminate (Jepsen's :info).
    const determinate = ok !== undefined && w.deliveries[0] === ok;
    const implied = determinate ? undefined : impliedCompletion(w, wrs);
    const ret = determinate ? ok.i : implied;
    add(w.peer, w.wr.addr!, {
      op,
      call: w.post.i,
      ret,
      result: determinate && op.kind !== 'write' ? ok.wc.value : undefined,
      label: () => `${describeWr(w.host, w.wr)}${implied !== undefined ? ' (unsignaled)' : ''}`,
      events: ret !== undefined ? [w.post.i, ret] : [w.post.i],
    });
  }
  for (const e of run.trace) {
    if (e.kind === 'AppConsume') {
      add('B', e.addr, {
        op: { kind: 'read' },
        call: e.i,
        ret: e.i,
        result: e.value,
        label: () => `B's application consumed ${word('B', e.addr)} = ${e.value}`,
        events: [e.i],
      });
    } else if (e.kind === 'AppReuse') {
      add('B', e.addr, {
        op: { kind: 'write', value: e.value },
        call: e.i,
        ret: e.i,
        label: () => `B's application reused ${word('B', e.addr)} := ${e.value}`,
        events: [e.i],
      });
    } else if (e.kind === 'ThirdParty') {
      const op: WordOp =
        e.op === 'WRITE'
          ? { kind: 'write', value: e.value ?? 0 }
          : e.op === 'FETCH_ADD'
            ? { kind: 'fadd', add: e.add ?? 0 }
            : { kind: 'cas', compare: e.compare ?? 0, swap: e.swap ?? 0 };
      add('B', e.addr, {
        op,
        call: e.i,
        ret: e.i,
        result: e.op === 'WRITE' ? undefined : e.old,
        label: () => `C's ${e.op} on ${word('B', e.addr)} (old ${e.old})`,
        events: [e.i],
      });
    }
  }
  return histories;
}

/**
 * An unsignaled WR completes silently: the SUCCESS completion of a later signaled WR of the same
 * application implies it completed (sq_sig_all=0 semantics), so that completion is its response.
 */
function impliedCompletion(w: AppWr, wrs: readonly AppWr[]): number | undefined {
  if (w.wr.signaled !== false || w.deliveries.length > 0) return undefined;
  let first: number | undefined;
  for (const later of wrs) {
    if (later.host !== w.host || later.post.i <= w.post.i || later.wr.signaled === false) continue;
    const ok = firstSuccess(later.deliveries);
    if (ok && later.deliveries[0] === ok && (first === undefined || ok.i < first)) first = ok.i;
  }
  return first;
}

function wordOpOf(w: AppWr): WordOp | undefined {
  const wr = w.wr;
  switch (wr.opcode) {
    case 'WRITE':
      return { kind: 'write', value: wr.value ?? 0 };
    case 'WRITE_WITH_IMM':
      return wr.addr === undefined ? undefined : { kind: 'write', value: wr.value ?? 0 };
    case 'READ':
      return { kind: 'read' };
    case 'FETCH_ADD':
      return { kind: 'fadd', add: wr.add ?? 0 };
    case 'CMP_SWAP':
      return { kind: 'cas', compare: wr.compare ?? 0, swap: wr.swap ?? 0 };
    default:
      return undefined;
  }
}

/** A violation in the paper's words: name the double execution or the write after reuse if any. */
function explain(run: Execution, host: LayerHost, addr: number, ops: HistoryOp[]): Verdict {
  const w = word(host, addr);
  const final = ops[ops.length - 1];
  // What changed the word on behalf of an application WR: the NIC's executions and the effects
  // the peer's layer attributed to a WR (forWr), each with the WR it executed.
  const executions = wordEffects(run, host, addr);
  const reuse = run.trace.find((e) => e.kind === 'AppReuse' && e.host === host && e.addr === addr);
  const staleAfterReuse = reuse ? executions.find((x) => x.e.i > reuse.i) : undefined;
  let cause = '';
  let causeEvents: number[] = [];
  if (reuse && staleAfterReuse && reuse.kind === 'AppReuse') {
    const x = staleAfterReuse;
    cause = `B's application consumed ${w} and reused it (:= ${reuse.value}) at t=${fmtTime(reuse.t)}, then ${x.w.host}'s WR ${x.w.wr.id} (${x.w.wr.opcode}) executed again ${how(x.e)} at t=${fmtTime(x.e.t)} and overwrote it (write after reuse, the paper's T2). `;
    causeEvents = [reuse.i, x.e.i];
  } else {
    const seen = new Map<AppWr, EffectEvent[]>();
    for (const x of executions) seen.set(x.w, [...(seen.get(x.w) ?? []), x.e]);
    const twice = [...seen.entries()].find(([, es]) => es.length > 1);
    if (twice) {
      const [wr, [a, b]] = twice;
      cause = `WR ${wr.wr.id} (${describeOp(wr.wr)}) executed twice at ${host} (${how(a)} at t=${fmtTime(a.t)} and ${how(b)} at t=${fmtTime(b.t)}). `;
      causeEvents = [a.i, b.i];
    }
  }
  const hint = unattributedWrites(run, host, addr);
  const listed = ops.map((o) => o.label()).join('; ');
  const events = [...new Set([...causeEvents, ...ops.flatMap((o) => o.events)])].sort((a, b) => a - b).slice(0, 24);
  return {
    status: 'violated',
    explanation: `${cause}No legal sequential order explains the history of ${w} (${listed}), which ends at ${final.result}.${hint}`,
    events,
  };
}

/** The effects that changed `host`'s word `addr` for an application WR, in trace order. */
function wordEffects(run: Execution, host: LayerHost, addr: number): { w: AppWr; e: EffectEvent }[] {
  const out: { w: AppWr; e: EffectEvent }[] = [];
  for (const w of sharedAppWrs(run.trace)) {
    if (w.peer !== host || w.wr.opcode === 'READ' || w.wr.addr !== addr) continue;
    for (const e of executionsOf(w)) if (e.kind !== 'Deliver') out.push({ w, e });
  }
  return out.sort((a, b) => a.e.i - b.e.i);
}

function how(e: EffectEvent): string {
  return e.kind === 'Execute' ? `via path ${e.path}` : `by ${e.host}'s layer`;
}

/**
 * How to attribute, when the peer's layer changed the word itself without forWr: those changes
 * may be executions of application WRs that the explanation cannot name.
 */
function unattributedWrites(run: Execution, host: LayerHost, addr: number): string {
  const own = run.trace.filter(
    (e) => e.kind === 'MemOp' && e.host === host && e.addr === addr && e.op !== 'read' && e.forWr === undefined,
  );
  if (own.length === 0) return '';
  return (
    ` ${host}'s layer changed ${word(host, addr)} itself ${own.length === 1 ? 'once' : `${own.length} times`} without forWr: ` +
    `if it executed an application WR there, attribute it (env.memory.write/fetchAdd/cmpSwap(..., { forWr: <WR id> }), ${ATTRIBUTION_DOC}).`
  );
}
