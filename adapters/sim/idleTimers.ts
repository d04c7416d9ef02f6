/**
 * Idle timer firings, folded (docs/simulator.md, "Idle timers"). A heartbeat that fires every
 * 2 ms and only re-arms itself would cost 17,000 events while a NIC at timeout 20 runs out its
 * retries, and push the run past maxEvents. The layer is still called at every firing, at its
 * time (what it observes does not change); only the record is folded: while a host's layer
 * observes and decides nothing else, each further firing of the same timer, on time, whose only
 * decision re-arms it with the same delay, adds to `repeats` on the chain's first TimerFired
 * instead of recording another TimerFired + SetTimer pair. The replay (properties/support/replay)
 * unfolds them.
 */
import type { TraceEvent } from '../../src/core/trace';
import { isDecision, isObservation } from '../../src/core/trace';
import type { LayerHost } from '../../src/core/verbs';
import type { NewEvent } from './simulator';

/** Most firings one run folds; later ones are recorded one by one, and the event limit applies. */
export const MAX_FOLDED_FIRINGS = 1_000_000;

type TimerFired = Extract<TraceEvent, { kind: 'TimerFired' }>;

/** A host's open chain: its recorded first firing, and when the next firing may fold into it. */
interface Chain {
  fired: TimerFired;
  token: string;
  everyNs: number;
  nextNs: number;
}

/** A firing that may be idle: its TimerFired is held back until the layer does something else. */
interface Held {
  host: LayerHost;
  chain: Chain;
  setTimer?: NewEvent;
}

/** Folds the idle firings of one run's layer timers. */
export class IdleTimerFolder {
  private readonly chains: Partial<Record<LayerHost, Chain>> = {};
  private held: Held | undefined;
  private folded = 0;

  /** @param append records an event in the trace (no folding) and returns it stamped */
  constructor(private readonly append: (e: NewEvent) => TraceEvent) {}

  /**
   * Timer `token` of `host`'s layer fires at `nowNs`; `onTimer` calls the layer. The firing is
   * recorded, or folded into the host's chain when it turns out idle (then it returns true).
   */
  fire(host: LayerHost, token: string, nowNs: number, trace: readonly TraceEvent[], onTimer: () => void): boolean {
    const chain = this.chains[host];
    if (chain && chain.token === token && chain.nextNs === nowNs && this.folded < MAX_FOLDED_FIRINGS) {
      this.held = { host, chain };
      try {
        onTimer();
      } catch (err) {
        this.held = undefined;
        throw err;
      }
      const held = this.held as Held | undefined;
      this.held = undefined;
      if (held?.setTimer) {
        chain.fired.repeats = { count: (chain.fired.repeats?.count ?? 0) + 1, everyNs: chain.everyNs };
        chain.nextNs += chain.everyNs;
        this.folded++;
        return true;
      } else if (held) {
        this.append({ kind: 'TimerFired', host, obs: host, token }); // it did not re-arm: not idle
      }
      return false;
    }
    const fired = this.append({ kind: 'TimerFired', host, obs: host, token }) as TimerFired;
    const before = trace.length;
    onTimer();
    // A firing whose only decision re-armed the same timer opens a chain.
    const only = trace.length === before + 1 ? trace[before] : undefined;
    if (only?.kind === 'SetTimer' && only.host === host && only.token === token && only.delayNs > 0)
      this.chains[host] = { fired, token, everyNs: only.delayNs, nextNs: nowNs + only.delayNs };
    return false;
  }

  /**
   * Offered every event before it is recorded. True when it is the re-arm of a held firing (it is
   * then not recorded); otherwise a held firing is recorded first, with its re-arm, in order.
   */
  hold(e: NewEvent): boolean {
    const held = this.held;
    if (!held) return false;
    const { chain } = held;
    if (
      !held.setTimer &&
      e.kind === 'SetTimer' &&
      e.host === held.host &&
      e.token === chain.token &&
      e.delayNs === chain.everyNs
    ) {
      held.setTimer = e;
      return true;
    }
    this.held = undefined;
    this.append({ kind: 'TimerFired', host: held.host, obs: held.host, token: chain.token });
    if (held.setTimer) this.append(held.setTimer);
    return false;
  }

  /** Told of every recorded event: anything a host's layer observes or does closes its chain. */
  recorded(e: TraceEvent): void {
    if (this.chains.A === undefined && this.chains.B === undefined) return;
    const host = isObservation(e) ? e.obs : isDecision(e) || e.kind === 'LayerFault' ? e.host : undefined;
    if (host !== undefined) delete this.chains[host];
  }
}
