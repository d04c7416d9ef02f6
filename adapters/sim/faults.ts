/** The scenario's faults: packet faults matched on the wire, event faults fired by anchors. */
import type { Fault } from '../../src/core/scenario';
import { deviceOf } from '../../src/core/scenario';
import type { LayerHost } from '../../src/core/verbs';
import { fail } from './nic';
import type { Packet } from './qp';
import type { Simulator } from './simulator';

type PacketFault = Extract<Fault, { kind: 'drop-request' | 'drop-response' | 'delay' }>;

interface PacketFaultState {
  index: number;
  fault: PacketFault;
  matches: number;
  /** Packets of the other direction that passed the filter: what the fault would count in its twin. */
  otherMatches: number;
  begun: boolean;
  beganNs: number;
}

/** How many NIC retry cycles an endless packet fault counts as activity (see hits()). */
const ENDLESS_ACTIVE_CYCLES = 16;

/** All faults of one run and their progress. */
export class FaultBook {
  private packetFaults: PacketFaultState[] = [];
  private corruptions: { index: number; fault: Extract<Fault, { kind: 'corrupt-wqe' }>; matches: number }[] = [];
  /**
   * Per fault: whether the run reached it (src/core/reached): a drop or delay fault when a packet
   * of either direction fell inside its window (the nth matching packet of that direction), any
   * other fault when its anchor fired or its WR was posted. A fault never reached acted in
   * neither direction.
   */
  readonly reached: boolean[];

  constructor(
    private readonly sim: Simulator,
    private readonly faults: Fault[],
  ) {
    this.reached = faults.map(() => false);
  }

  /** Arms every fault at the start of the run. */
  start(): void {
    this.faults.forEach((f, index) => {
      switch (f.kind) {
        case 'drop-request':
        case 'drop-response':
        case 'delay':
          this.packetFaults.push({ index, fault: f, matches: 0, otherMatches: 0, begun: false, beganNs: 0 });
          return;
        case 'corrupt-wqe':
          this.corruptions.push({ index, fault: f, matches: 0 });
          return;
        default:
          this.sim.anchors.wait(f.after, () => this.activate(index));
      }
    });
  }

  /** Why `packet` is dropped by a fault, or undefined. Every matching fault counts the packet. */
  dropReason(packet: Packet): string | undefined {
    let reason: string | undefined;
    for (const s of this.packetFaults) {
      const kind = s.fault.kind;
      if (kind === 'delay') continue;
      if ((kind === 'drop-request') !== (packet.kind === 'request')) {
        this.countOther(s, packet); // its twin's direction (drop-request <-> drop-response)
        continue;
      }
      if (this.hits(s, packet) && !reason) reason = `faults[${s.index}] ${kind}`;
    }
    return reason;
  }

  /** Extra latency `packet` suffers from delay faults. */
  extraDelay(packet: Packet): number {
    let extra = 0;
    for (const s of this.packetFaults) {
      const f = s.fault;
      if (f.kind !== 'delay') continue;
      if (f.direction !== packet.kind) {
        this.countOther(s, packet);
        continue;
      }
      if (this.hits(s, packet)) extra += f.delayNs;
    }
    return extra;
  }

  /** True when the post of WR `wrId` on `path` at `host` is the one a corrupt-wqe fault targets. */
  isCorrupt(host: LayerHost, path: number, wrId: number): boolean {
    for (const c of this.corruptions) {
      if ((c.fault.host ?? 'A') !== host || c.fault.path !== path || c.fault.wr !== wrId) continue;
      this.reached[c.index] = true;
      c.matches++;
      if (c.matches === (c.fault.nth ?? 1)) {
        this.begin(c.index, `WQE of WR ${wrId} on path ${path} corrupt`);
        return true;
      }
    }
    return false;
  }

  /** Counts a matching packet; true when it falls inside the fault's window [nth, nth+count). */
  private hits(s: PacketFaultState, packet: Packet): boolean {
    const f = s.fault;
    if (!passesFilter(f, packet)) return false;
    s.matches++;
    const first = f.nth ?? 1;
    const count = f.count ?? 1;
    const inside = s.matches >= first && (count === 'all' || s.matches < first + count);
    if (inside) {
      this.reached[s.index] = true;
      // A bounded window is activity while it lasts; an endless one ('all') for its first
      // ENDLESS_ACTIVE_CYCLES NIC retry cycles: long enough for a layer to try and give up,
      // short enough that a path that stays broken cannot keep the run open forever.
      if (count !== 'all' || this.sim.now - s.beganNs <= ENDLESS_ACTIVE_CYCLES * this.sim.retryCycleNs)
        this.sim.touchActivity();
      if (!s.begun) {
        s.begun = true;
        s.beganNs = this.sim.now;
        this.begin(s.index, describePacketFault(f));
      }
    }
    return inside;
  }

  /**
   * Counts a packet of the direction `s` does not act on: had the fault acted on that direction
   * (its twin), this packet would have fallen inside its window once the count reaches nth.
   */
  private countOther(s: PacketFaultState, packet: Packet): void {
    if (!passesFilter(s.fault, packet)) return;
    if (++s.otherMatches >= (s.fault.nth ?? 1)) this.reached[s.index] = true;
  }

  private begin(index: number, what: string): void {
    this.sim.touchActivity();
    this.sim.record({ kind: 'Fault', host: 'net', fault: index, phase: 'begin', what });
  }

  private end(index: number, what: string): void {
    this.sim.touchActivity();
    this.sim.record({ kind: 'Fault', host: 'net', fault: index, phase: 'end', what });
  }

  /** An event fault's anchor fired: apply it (and schedule its end, if it has one). */
  private activate(index: number): void {
    this.reached[index] = true;
    const sim = this.sim;
    const f = this.faults[index];
    switch (f.kind) {
      case 'link-down': {
        const dirs = f.direction === 'both' ? (['a-to-b', 'b-to-a'] as const) : ([f.direction] as const);
        this.begin(index, `link ${f.path} down (${f.direction})`);
        for (const d of dirs) sim.links[f.path][d].up = false;
        if (f.upAfterNs !== undefined) {
          sim.at(f.upAfterNs, () => {
            for (const d of dirs) sim.links[f.path][d].up = true;
            this.end(index, `link ${f.path} up (${f.direction})`);
          });
        }
        return;
      }
      case 'nic-death': {
        // A device fault: every path whose QP lives on the dying path's device (config.pathDevice).
        const device = deviceOf(sim.config, f.path);
        const paths = sim.qps[f.host].map((_, p) => p).filter((p) => deviceOf(sim.config, p) === device);
        const which = paths.length === 1 ? `NIC ${f.path}` : `device ${device} (paths ${paths.join(', ')})`;
        this.begin(index, `${f.host}'s ${which} dies`);
        for (const p of paths) {
          sim.nicAlive[f.host][p] = false;
          sim.portEvent(f.host, p, 'PORT_ERR');
        }
        if (f.reviveAfterNs !== undefined) {
          sim.at(f.reviveAfterNs, () => {
            for (const p of paths) sim.nicAlive[f.host][p] = true;
            this.end(index, `${f.host}'s ${which} back`);
            for (const p of paths) sim.portEvent(f.host, p, 'PORT_ACTIVE');
          });
        }
        return;
      }
      case 'pause': {
        // The host's CPU stalls: its layer's callbacks wait (Simulator.onCpu); the NIC goes on.
        this.begin(index, `${f.host}'s CPU paused for ${f.durationNs} ns`);
        sim.pausedUntil[f.host] = Math.max(sim.pausedUntil[f.host], sim.now + f.durationNs);
        sim.at(f.durationNs, () => this.end(index, `${f.host}'s CPU resumes`));
        return;
      }
      case 'qp-error':
        this.begin(index, `${f.host}'s QP ${f.path} to ERR`);
        fail(sim, sim.qps[f.host][f.path], undefined, 'qp-error fault');
        return;
      case 'control-loss':
        this.begin(index, 'management network lost');
        sim.controlUp = false;
        if (f.restoreAfterNs !== undefined) {
          sim.at(f.restoreAfterNs, () => {
            sim.controlUp = true;
            this.end(index, 'management network back');
          });
        }
        return;
      default:
        return;
    }
  }
}

/** True when `packet` is one a packet fault aims at (path, requester, WR), its direction aside. */
function passesFilter(f: PacketFault, packet: Packet): boolean {
  if (f.path !== undefined && f.path !== packet.path) return false;
  if (f.host !== undefined && f.host !== packet.requester) return false;
  // A sequence NAK answers for the PSN the responder expects, not for the request that
  // prompted it: it is no WR's response, so a fault aimed at one WR does not match it.
  if (f.wr !== undefined && (f.wr !== packet.wr.id || packet.nak === 'SEQ')) return false;
  return true;
}

/** One line naming a packet fault, for the Fault event. */
function describePacketFault(f: PacketFault): string {
  const which = `${f.host !== undefined ? `${f.host}'s ` : ''}${f.wr !== undefined ? `WR ${f.wr}` : 'any WR'} on ${f.path !== undefined ? `path ${f.path}` : 'any path'}`;
  const window = `from match ${f.nth ?? 1}, ${f.count === 'all' ? 'all later' : `${f.count ?? 1}`}`;
  if (f.kind === 'delay') return `${f.direction}s of ${which} delayed ${f.delayNs} ns (${window})`;
  return `${f.kind === 'drop-request' ? 'requests' : 'responses'} of ${which} dropped (${window})`;
}
