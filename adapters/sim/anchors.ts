/** Event anchors: steps and faults that wait for "the nth time WR w was executed", etc. */
import type { Anchor } from '../../src/core/scenario';
import type { TraceEvent } from '../../src/core/trace';
import type { Simulator } from './simulator';

type EventAnchor = Extract<Anchor, { wr: number }>;

interface Waiter {
  anchor: EventAnchor;
  fire: () => void;
  seen: number;
}

/** The waiters of one run, indexed by anchor kind and WR id so that each event costs O(1). */
export class AnchorBoard {
  private readonly byKind: Record<EventAnchor['on'], Map<number, Waiter[]>> = {
    post: new Map(),
    send: new Map(),
    execute: new Map(),
    deliver: new Map(),
  };
  private pending = 0;

  constructor(private readonly sim: Simulator) {}

  /** Calls `fire` when `anchor` happens (at once for 'start'). */
  wait(anchor: Anchor, fire: () => void): void {
    if (anchor.on === 'start') return fire();
    if (anchor.on === 'at') return void this.sim.queue.push(anchor.atNs, fire);
    const byWr = this.byKind[anchor.on];
    const list = byWr.get(anchor.wr);
    const waiter = { anchor, fire, seen: 0 };
    if (list) list.push(waiter);
    else byWr.set(anchor.wr, [waiter]);
    this.pending++;
  }

  /** Checks a freshly recorded event against the waiters. */
  onEvent(e: TraceEvent): void {
    if (this.pending === 0) return;
    const kind = ANCHOR_OF[e.kind];
    if (!kind) return;
    const wr = wrOf(e);
    const list = this.byKind[kind].get(wr);
    if (!list) return;
    for (let k = 0; k < list.length; k++) {
      const w = list[k];
      if (!matches(w.anchor, e)) continue;
      w.seen++;
      if (w.seen < (w.anchor.nth ?? 1)) continue;
      list.splice(k--, 1);
      this.pending--;
      w.fire();
    }
  }
}

const ANCHOR_OF: Partial<Record<TraceEvent['kind'], EventAnchor['on']>> = {
  AppPostSend: 'post',
  Send: 'send',
  Execute: 'execute',
  Deliver: 'deliver',
};

function wrOf(e: TraceEvent): number {
  switch (e.kind) {
    case 'AppPostSend':
      return e.wr.id;
    case 'Deliver':
      return e.wc.wrId;
    case 'Send':
    case 'Execute':
      return e.wr;
    default:
      return NaN;
  }
}

function matches(a: EventAnchor, e: TraceEvent): boolean {
  const host = a.host ?? 'A';
  switch (e.kind) {
    case 'AppPostSend':
      return e.host === host;
    case 'Send':
      return e.host === host && (a.path === undefined || e.path === a.path);
    case 'Execute':
      return e.from === host && e.status === 'SUCCESS' && (a.path === undefined || e.path === a.path);
    case 'Deliver':
      return e.host === host && e.wc.opcode !== 'RECV';
    default:
      return false;
  }
}
