/**
 * A Wing-Gong linearizability search with Lowe's memoisation (the algorithm of Porcupine and
 * Knossos' WGL), for the history of one memory word. Operations with no response (error
 * completions, no completion) are indeterminate, like Jepsen's :info: they may take effect at
 * any point after their invocation, or never. A node limit turns a search that is too long into
 * `unknown`, never into a pass.
 */

/** What an operation does to one word. */
export type WordOp =
  | { kind: 'write'; value: number }
  | { kind: 'read' }
  | { kind: 'fadd'; add: number }
  | { kind: 'cas'; compare: number; swap: number };

/** One operation of a word's history. `call`/`ret` are positions in real time (`ret` > `call`). */
export interface HistoryOp {
  op: WordOp;
  call: number;
  /** Undefined: indeterminate (no response; it may or may not have taken effect). */
  ret?: number;
  /** The observed result: read value, atomic old value; undefined when not known. */
  result?: number;
  /** The operation in words, for an explanation: built only when one is written (most runs hold). */
  label: () => string;
  events: number[];
}

/** The outcome of a search. */
export type SearchResult =
  | { outcome: 'linearizable'; order: number[] }
  | { outcome: 'not-linearizable'; longestPrefix: number[]; stuckAt: number }
  | { outcome: 'unknown'; reason: string };

/** One step of the sequential specification: is `result` legal from `state`, and the next state. */
export function stepWord(state: number, op: WordOp, result: number | undefined): { ok: boolean; next: number } {
  const sees = (v: number) => result === undefined || result === v;
  switch (op.kind) {
    case 'write':
      return { ok: true, next: op.value };
    case 'read':
      return { ok: sees(state), next: state };
    case 'fadd':
      return { ok: sees(state), next: state + op.add };
    case 'cas':
      return { ok: sees(state), next: state === op.compare ? op.swap : state };
  }
}

interface Entry {
  op: number;
  isCall: boolean;
  key: number;
  match?: Entry;
  prev?: Entry;
  next?: Entry;
}

/** Searches for a legal sequential order of `ops` starting from `initial`. */
export function linearize(ops: HistoryOp[], initial: number, options: { maxNodes: number }): SearchResult {
  // The real-time order: calls at 2*call, returns at 2*ret+1, so a call and a return at the same
  // position order call first, and distinct positions keep their order.
  const entries: Entry[] = [];
  ops.forEach((o, idx) => {
    const call: Entry = { op: idx, isCall: true, key: 2 * o.call };
    entries.push(call);
    if (o.ret !== undefined) {
      const ret: Entry = { op: idx, isCall: false, key: 2 * o.ret + 1 };
      call.match = ret;
      entries.push(ret);
    }
  });
  entries.sort((a, b) => a.key - b.key || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1));
  const head: Entry = { op: -1, isCall: false, key: -Infinity };
  let prev = head;
  for (const e of entries) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }
  let returnsLeft = ops.filter((o) => o.ret !== undefined).length;

  const lift = (e: Entry) => {
    e.prev!.next = e.next;
    if (e.next) e.next.prev = e.prev;
    const m = e.match;
    if (m) {
      m.prev!.next = m.next;
      if (m.next) m.next.prev = m.prev;
    }
  };
  const unlift = (e: Entry) => {
    const m = e.match;
    if (m) {
      m.prev!.next = m;
      if (m.next) m.next.prev = m;
    }
    e.prev!.next = e;
    if (e.next) e.next.prev = e;
  };

  let state = initial;
  let linearized = 0n;
  const cache = new Set<string>();
  const stack: { entry: Entry; state: number }[] = [];
  let longest: number[] = [];
  let stuckAt = -1;
  let nodes = 0;
  let entry: Entry | undefined = head.next;
  while (returnsLeft > 0) {
    if (++nodes > options.maxNodes) {
      return {
        outcome: 'unknown',
        reason: `the linearizability search exceeded ${options.maxNodes} nodes for ${ops.length} operations`,
      };
    }
    if (entry && entry.isCall) {
      const o = ops[entry.op];
      const { ok, next } = stepWord(state, o.op, o.result);
      if (ok) {
        const lin = linearized | (1n << BigInt(entry.op));
        const key = `${lin.toString(36)}:${next}`;
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ entry, state });
          if (stack.length > longest.length) longest = stack.map((s) => s.entry.op);
          state = next;
          linearized = lin;
          if (entry.match) returnsLeft--;
          lift(entry);
          entry = head.next;
          continue;
        }
      }
      entry = entry.next;
      continue;
    }
    // A return whose operation is not yet linearized (or the end of the list): backtrack.
    if (entry && stuckAt < 0) stuckAt = entry.op;
    const top = stack.pop();
    if (!top) return { outcome: 'not-linearizable', longestPrefix: longest, stuckAt: stuckAt < 0 ? 0 : stuckAt };
    state = top.state;
    linearized &= ~(1n << BigInt(top.entry.op));
    if (top.entry.match) returnsLeft++;
    unlift(top.entry);
    entry = top.entry.next;
  }
  return { outcome: 'linearizable', order: stack.map((s) => s.entry.op) };
}
