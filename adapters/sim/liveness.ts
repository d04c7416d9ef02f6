/**
 * The run's liveness budget (docs/simulator.md, "Run end"). A run that still has work queued
 * ends at its time limit once the layers have used `livenessNs` of virtual time since the last
 * fault or application step. Time during which a NIC waits on its own timers (a retransmission
 * timer runs, or an RNR wait) is not charged, up to an allowance: waiting 4.3 s for a timeout-20
 * timer is the NIC's time, not the layer's, so realistic NIC timeouts neither eat the budget nor
 * call for a budget of minutes. The allowance keeps a layer that keeps the NIC busy forever from
 * running forever: past it, NIC waits are charged like any other time.
 */
import type { LivenessSpent } from '../../src/core/execution';

/** The budget of one run: what is charged, and when the run must end. */
export class LivenessBudget {
  /** The last fault or application step: the budget counts from here. */
  private sinceNs = 0;
  /** Virtual time since sinceNs charged to the layers. */
  private chargedNs = 0;
  /** NIC waits since sinceNs not charged (at most the allowance). */
  private nicWaitNs = 0;

  /**
   * @param budgetNs the layers' budget (config livenessNs)
   * @param nicAllowanceNs how much NIC waiting after the last fault or step goes uncharged
   */
  constructor(
    readonly budgetNs: number,
    readonly nicAllowanceNs: number,
  ) {}

  /** A fault or application step at `nowNs`: the budget starts afresh. */
  restart(nowNs: number): void {
    if (nowNs > this.sinceNs) this.sinceNs = nowNs;
    this.chargedNs = 0;
    this.nicWaitNs = 0;
  }

  /**
   * The run moves from `nowNs` to the next action at `nextNs`; `nicWaiting` says whether a NIC
   * waits on its own timer meanwhile. Returns when the run ends instead (its time limit), or
   * undefined when it may go on (the interval is then charged, or counted against the allowance).
   */
  advance(nowNs: number, nextNs: number, nicWaiting: boolean): { endNs: number; spent: LivenessSpent } | undefined {
    const gap = nextNs - nowNs;
    // Within the interval the allowance is used first; what is left of it is charged.
    const free = nicWaiting ? Math.min(gap, this.nicAllowanceNs - this.nicWaitNs) : 0;
    const endNs = nowNs + free + (this.budgetNs - this.chargedNs);
    if (nextNs > endNs) {
      const spent: LivenessSpent = {
        sinceNs: this.sinceNs,
        budgetNs: this.budgetNs,
        nicWaitNs: this.nicWaitNs + free,
        nicAllowanceNs: this.nicAllowanceNs,
      };
      return { endNs, spent };
    }
    this.nicWaitNs += free;
    this.chargedNs += gap - free;
    return undefined;
  }
}
