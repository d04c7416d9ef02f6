/** A binary min-heap of timed actions, ordered by (time, insertion order): FIFO at equal times. */

/** One scheduled action. */
export interface Scheduled {
  t: number;
  seq: number;
  run: () => void;
  /** A cancelled action is skipped: it neither runs nor counts as pending work. */
  cancelled?: boolean;
}

/** The simulator's agenda. Equal-time actions run in the order they were scheduled. */
export class EventQueue {
  private heap: Scheduled[] = [];
  private nextSeq = 0;

  /** Number of pending actions. */
  get size(): number {
    return this.heap.length;
  }

  /** Schedules `run` at virtual time `t`; returns the handle that can cancel it. */
  push(t: number, run: () => void): Scheduled {
    const item: Scheduled = { t, seq: this.nextSeq++, run };
    const h = this.heap;
    let k = h.length;
    h.push(item);
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!before(item, h[parent])) break;
      h[k] = h[parent];
      k = parent;
    }
    h[k] = item;
    return item;
  }

  /** The time of the earliest live action, without removing it (undefined when none is left). */
  peekTime(): number | undefined {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.popAny();
    return this.heap[0]?.t;
  }

  /** Removes and returns the earliest live action (undefined when none is left). */
  pop(): Scheduled | undefined {
    let item = this.popAny();
    while (item?.cancelled) item = this.popAny();
    return item;
  }

  private popAny(): Scheduled | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let k = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * k + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[k] = h[c];
        k = c;
      }
      h[k] = last;
    }
    return top;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}
