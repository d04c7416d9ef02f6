/** Event anchors: steps and faults that wait for "the nth time WR w was executed", etc. */
import type { Anchor } from '../../src/scenario';
import type { TraceEvent } from '../../src/trace';
import type { Simulator } from './simulator';

interface Waiter {
  anchor: Extract<Anchor, { wr: number }>;
  fire: () => void;
  seen: number;
}

/** The waiters of one run, checked against every recorded event of the kinds they wait for. */
export class AnchorBoard {
  private waiters: Waiter[] = [];

  constructor(private readonly sim: Simulator) {}

  /** Calls `fire` when `anchor` happens (at once for 'start'). */
  wait(anchor: Anchor, fire: () => void, _label: string): void {
    if (anchor.on === 'start') fire();
    else if (anchor.on === 'at') this.sim.queue.push(anchor.atNs, fire);
    else this.waiters.push({ anchor, fire, seen: 0 });
  }

  /** Checks a freshly recorded event against the waiters. */
  onEvent(e: TraceEvent): void {
    if (this.waiters.length === 0) return;
    const kind = ANCHOR_OF[e.kind];
    if (!kind) return;
    for (let k = 0; k < this.waiters.length; k++) {
      const w = this.waiters[k];
      if (w.anchor.on !== kind || !matches(w.anchor, e)) continue;
      w.seen++;
      if (w.seen < (w.anchor.nth ?? 1)) continue;
      this.waiters.splice(k--, 1);
      w.fire();
    }
  }
}

const ANCHOR_OF: Partial<Record<TraceEvent['kind'], 'post' | 'send' | 'execute' | 'deliver'>> = {
  AppPostSend: 'post',
  Send: 'send',
  Execute: 'execute',
  Deliver: 'deliver',
};

function matches(a: Extract<Anchor, { wr: number }>, e: TraceEvent): boolean {
  const host = a.host ?? 'A';
  switch (e.kind) {
    case 'AppPostSend':
      return e.host === host && e.wr.id === a.wr;
    case 'Send':
      return e.host === host && e.wr === a.wr && (a.path === undefined || e.path === a.path);
    case 'Execute':
      return e.from === host && e.wr === a.wr && e.status === 'SUCCESS' && (a.path === undefined || e.path === a.path);
    case 'Deliver':
      return e.host === host && e.wc.wrId === a.wr && e.wc.opcode !== 'RECV';
    default:
      return false;
  }
}
