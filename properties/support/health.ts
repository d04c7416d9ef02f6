/** Which paths a scenario's faults break for good, decided from the scenario alone. */
import type { Fault, Scenario, SimConfig } from '../../src/core/scenario';

/** The paths that stay healthy or heal, and whether the management network is lost for good. */
export interface PathHealth {
  healthy: number[];
  broken: number[];
  controlLostForever: boolean;
}

/**
 * A path stays healthy when no fault drops, delays, corrupts or errors its traffic (a delay past
 * the retransmission timer is a loss to the requester), and a link or NIC that comes back up
 * heals its path. So a packet fault (of any count), a qp-error or a corrupt WQE on a path breaks
 * it, and a packet fault without a path breaks them all; a link-down or NIC death breaks its
 * path unless it has an end (upAfterNs, reviveAfterNs).
 */
export function pathHealth(scenario: Scenario, config: SimConfig): PathHealth {
  const broken = new Set<number>();
  const all = Array.from({ length: config.paths }, (_, p) => p);
  let controlLostForever = false;
  const breakPath = (path: number | undefined) =>
    path === undefined ? all.forEach((p) => broken.add(p)) : broken.add(path);
  for (const f of scenario.faults as Fault[]) {
    switch (f.kind) {
      case 'drop-request':
      case 'drop-response':
      case 'delay':
        breakPath(f.path);
        break;
      case 'qp-error':
      case 'corrupt-wqe':
        breakPath(f.path);
        break;
      case 'link-down':
        if (f.upAfterNs === undefined) breakPath(f.path);
        break;
      case 'nic-death':
        if (f.reviveAfterNs === undefined) breakPath(f.path);
        break;
      case 'control-loss':
        if (f.restoreAfterNs === undefined) controlLostForever = true;
        break;
      default:
        break;
    }
  }
  return { healthy: all.filter((p) => !broken.has(p)), broken: all.filter((p) => broken.has(p)), controlLostForever };
}
