/**
 * linearizability: the application-level history has a legal sequential order under the RDMA
 * memory semantics, per memory word (P-compositionality). Posts are invocations, SUCCESS
 * completions responses (with their returned values), error completions and missing ones
 * indeterminate; B's application consume (a read) and reuse (a write), the third party's
 * operations, and a final read of every word from the End event's memory are operations too.
 * Catches write-after-reuse (the paper's T2), FADD double count, CAS double success (ABA), lost
 * updates and reordering.
 */
import type { Execution } from '../src/core/execution';
import type { Verdict } from '../src/core/property';
import type { LayerHost } from '../src/core/verbs';
import { appWrs, endEvent, firstSuccess, validAddress } from './support/history';
import type { AppWr } from './support/history';
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
        label: `final read of ${word(memHost, addr)} = ${end.memory[memHost][addr]}`,
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
  const wrs = appWrs(run.trace);
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
      label: `${describeWr(w.host, w.wr)}${implied !== undefined ? ' (unsignaled)' : ''}`,
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
        label: `B's application consumed ${word('B', e.addr)} = ${e.value}`,
        events: [e.i],
      });
    } else if (e.kind === 'AppReuse') {
      add('B', e.addr, {
        op: { kind: 'write', value: e.value },
        call: e.i,
        ret: e.i,
        label: `B's application reused ${word('B', e.addr)} := ${e.value}`,
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
        label: `C's ${e.op} on ${word('B', e.addr)} (old ${e.old})`,
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
function impliedCompletion(w: AppWr, wrs: AppWr[]): number | undefined {
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
  const executions = run.trace.filter(
    (e) => e.kind === 'Execute' && e.host === host && e.addr === addr && e.status === 'SUCCESS' && e.op !== 'READ',
  );
  const reuse = run.trace.find((e) => e.kind === 'AppReuse' && e.host === host && e.addr === addr);
  const staleAfterReuse = reuse ? executions.find((e) => e.i > reuse.i) : undefined;
  let cause = '';
  let causeEvents: number[] = [];
  if (reuse && staleAfterReuse && staleAfterReuse.kind === 'Execute' && reuse.kind === 'AppReuse') {
    cause = `B's application consumed ${w} and reused it (:= ${reuse.value}) at t=${fmtTime(reuse.t)}, then ${staleAfterReuse.from}'s WR ${staleAfterReuse.wr} (${staleAfterReuse.op}) executed again via path ${staleAfterReuse.path} at t=${fmtTime(staleAfterReuse.t)} and overwrote it (write after reuse, the paper's T2). `;
    causeEvents = [reuse.i, staleAfterReuse.i];
  } else {
    const seen = new Map<number, number[]>();
    for (const e of executions) if (e.kind === 'Execute') seen.set(e.wr, [...(seen.get(e.wr) ?? []), e.i]);
    const twice = [...seen.entries()].find(([, is]) => is.length > 1);
    if (twice) {
      const [a, b] = twice[1].map((i) => run.trace[i]);
      if (a.kind === 'Execute' && b.kind === 'Execute') {
        const post = run.trace.find((e) => e.kind === 'AppPostSend' && e.host === a.from && e.wr.id === a.wr);
        const name = post && post.kind === 'AppPostSend' ? `WR ${a.wr} (${describeOp(post.wr)})` : `WR ${a.wr}`;
        cause = `${name} executed twice at ${host} (via path ${a.path} at t=${fmtTime(a.t)} and via path ${b.path} at t=${fmtTime(b.t)}). `;
        causeEvents = [a.i, b.i];
      }
    }
  }
  const listed = ops.map((o) => o.label).join('; ');
  const events = [...new Set([...causeEvents, ...ops.flatMap((o) => o.events)])].sort((a, b) => a - b).slice(0, 24);
  return {
    status: 'violated',
    explanation: `${cause}No legal sequential order explains the history of ${w} (${listed}), which ends at ${final.result}.`,
    events,
  };
}
