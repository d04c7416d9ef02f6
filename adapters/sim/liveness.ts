/**
 * The run's liveness budget (docs/simulator.md, "Run end"). A run that still has work queued
 * ends at its time limit once the layers have had `livenessNs` of virtual time since the last
 * fault or application step. Time during which a NIC's retransmission timer runs is not charged:
 * waiting 4.3 s for a timeout-20 timer is the NIC's time, not the layer's, so realistic NIC
 * timeouts neither eat the budget nor call for a budget of minutes. A bound keeps a layer that
 * keeps the NIC busy forever from running forever: the run never goes on longer than
 * (2 x paths + 1) NIC retry cycles after the last fault or step (or livenessNs, when larger).
 */
import type { LivenessSpent } from '../../src/core/execution';

/** The budget of one run: what is charged, and when the run must end. */
export class LivenessBudget {
  /** The last fault or application step: the budget counts from here. */
  private sinceNs = 0;
  /** Virtual time since sinceNs charged to the layers. */
  private chargedNs = 0;
  /** Virtual time since sinceNs spent waiting for NIC retransmission timers. */
  private nicWaitNs = 0;

  /**
   * @param budgetNs the layers' budget (config livenessNs)
   * @param boundNs the bound on the whole run after the last fault or step, NIC waits included
   */
  constructor(
    readonly budgetNs: number,
    readonly boundNs: number,
  ) {}

  /** A fault or application step at `nowNs`: the budget starts afresh. */
  restart(nowNs: number): void {
    if (nowNs > this.sinceNs) this.sinceNs = nowNs;
    this.chargedNs = 0;
    this.nicWaitNs = 0;
  }

  /**
   * The run moves from `nowNs` to the next action at `nextNs`; `nicWaiting` says whether a NIC
   * retransmission timer runs meanwhile. Returns when the run ends instead (its time limit), or
   * undefined when it may go on (the interval is then charged or counted as NIC wait).
   */
  advance(nowNs: number, nextNs: number, nicWaiting: boolean): { endNs: number; spent: LivenessSpent } | undefined {
    const gap = nextNs - nowNs;
    const boundEnd = this.sinceNs + this.boundNs;
    const budgetEnd = nicWaiting ? Infinity : nowNs + (this.budgetNs - this.chargedNs);
    if (nextNs > boundEnd || nextNs > budgetEnd) {
      const endNs = Math.max(nowNs, Math.min(boundEnd, budgetEnd));
      const by = budgetEnd <= boundEnd ? 'budget' : 'retry-cycles';
      const nicWaitNs = this.nicWaitNs + (nicWaiting ? endNs - nowNs : 0);
      return {
        endNs,
        spent: { sinceNs: this.sinceNs, budgetNs: this.budgetNs, nicWaitNs, by, boundNs: this.boundNs },
      };
    }
    if (nicWaiting) this.nicWaitNs += gap;
    else this.chargedNs += gap;
    return undefined;
  }
}
