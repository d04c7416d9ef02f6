/** The links of the simulated fabric: FIFO, each direction up or down, lost when a NIC at either end is dead. */
import type { LayerHost } from '../../src/core/verbs';
import { other } from './qp';
import type { Packet } from './qp';
import type { Simulator } from './simulator';
import { onRequest, onResponse } from './transport';

/** A link direction's state: up or down, and when its last packet arrives (links are FIFO). */
export interface Link {
  up: boolean;
  lastArrival: number;
}

/** Sends a packet from host `from` over its path's link, subject to link state and faults. */
export function sendPacket(sim: Simulator, packet: Packet, from: LayerHost): void {
  const dir = from === 'A' ? 'a-to-b' : 'b-to-a';
  const link = sim.links[packet.path][dir];
  const lost = linkBroken(sim, packet.path, dir, from) ?? sim.faults.dropReason(packet);
  if (lost) return lose(sim, packet, lost);
  const arrival = Math.max(sim.now + sim.config.wireDelayNs + sim.faults.extraDelay(packet), link.lastArrival);
  link.lastArrival = arrival;
  sim.queue.push(arrival, () => {
    // A link or NIC that died while the packet was in flight loses it too.
    const late = linkBroken(sim, packet.path, dir, from);
    if (late) return lose(sim, packet, `${late} while in flight`);
    const to = other(from);
    if (packet.kind === 'request') onRequest(sim, sim.qps[to][packet.path], packet);
    else onResponse(sim, sim.qps[to][packet.path], packet);
  });
}

/** Why a link direction carries nothing now (link down, a dead NIC at either end), if it does not. */
function linkBroken(sim: Simulator, path: number, dir: 'a-to-b' | 'b-to-a', from: LayerHost): string | undefined {
  const to = other(from);
  if (!sim.links[path][dir].up) return `link ${path} ${dir} down`;
  if (!sim.nicAlive[from][path]) return `${from}'s NIC ${path} dead`;
  if (!sim.nicAlive[to][path]) return `${to}'s NIC ${path} dead`;
  return undefined;
}

/** Records a lost packet: PacketLost for a request, AckLost for a response. */
function lose(sim: Simulator, packet: Packet, reason: string): void {
  if (packet.kind === 'request') {
    sim.record({ kind: 'PacketLost', host: 'net', path: packet.path, wr: packet.wr.id, psn: packet.psn, reason });
  } else {
    sim.record({
      kind: 'AckLost',
      host: 'net',
      path: packet.path,
      wr: packet.wr.id,
      psn: packet.psn,
      reason,
      ...(packet.nak ? { nak: packet.nak } : {}),
    });
  }
}
