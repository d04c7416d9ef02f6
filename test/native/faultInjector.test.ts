/**
 * The native fault injector's bookkeeping, without a NIC: each fault's end is recorded once, and
 * exact drops become filter rules before the run and (QP, PSN) keys as A posts the WR they name.
 */
import type { NewEvent } from '../../adapters/native/config';
import type { FaultRun } from '../../adapters/native/faultInjector';
import { FaultInjector } from '../../adapters/native/faultInjector';
import type { PacketFilter } from '../../adapters/native/packetFilter';
import type { Fault } from '../../src/core/scenario';

function fakeRun(events: NewEvent[]): FaultRun {
  let now = 0;
  return {
    paths: 2,
    pathOptions: [{ device: 'x0' }, { device: 'x1' }],
    now: () => (now += 10),
    record: (e) => events.push(e),
    finished: () => false,
    activity: () => undefined,
    timer: (_ms, fn) => fn(), // the window ends at once
    ms: (ns) => ns / 1e6,
    wait: (_anchor, fire) => fire(),
    forceErrorA: () => undefined,
    agentFault: () => undefined,
    qpns: (path) => ({ own: 100 + path, peer: 200 + path }),
  };
}

/** A stand-in for the helper: records commands, lets the test report drops. */
function fakeFilter(): { filter: PacketFilter; commands: string[] } {
  const commands: string[] = [];
  const filter = {
    onDrop: undefined as undefined | ((rule: number, match: number, psn: number) => void),
    rule: (id: number, dir: string, nth: number, count: number | 'all') =>
      commands.push(`rule ${id} ${dir} ${nth} ${count}`),
    key: (id: number, qpn: number, psn?: number) => commands.push(`key ${id} ${qpn} ${psn ?? -1}`),
    stop: () => commands.push('stop'),
  };
  return { filter: filter as unknown as PacketFilter, commands };
}

const ends = (events: NewEvent[]) => events.filter((e) => e.kind === 'Fault' && e.phase === 'end');

describe('native fault injector', () => {
  test('a fault that ends on its timer records its end once, not again when the run ends', () => {
    const events: NewEvent[] = [];
    const faults: Fault[] = [{ kind: 'control-loss', after: { on: 'start' }, restoreAfterNs: 1000 }];
    const inj = new FaultInjector(faults, fakeRun(events));
    inj.armAll();
    inj.endRun(1e9);
    expect(ends(events)).toHaveLength(1);
    expect(ends(events)[0]).toMatchObject({ what: 'management network back' });
  });

  test('drops become rules before the run; a WR-named drop gets the key of each post of that WR', () => {
    const events: NewEvent[] = [];
    const faults: Fault[] = [
      { kind: 'drop-response', wr: 1, count: 1 },
      { kind: 'drop-request', path: 1, nth: 2, count: 'all' },
    ];
    const inj = new FaultInjector(faults, fakeRun(events));
    const { filter, commands } = fakeFilter();
    expect(inj.needsFilter).toBe(true);
    inj.useFilter(filter);
    expect(commands).toEqual(['rule 0 resp 1 1', 'rule 1 req 2 all', 'key 1 101 -1', 'key 1 201 -1']);
    commands.length = 0;
    inj.onWirePost({ path: 0, wr: { id: 0, opcode: 'FETCH_ADD' }, psn: 7, ownQpn: 100, peerQpn: 200 });
    inj.onWirePost({ path: 0, wr: { id: 1, opcode: 'FETCH_ADD' }, psn: 8, ownQpn: 100, peerQpn: 200 });
    // The response of WR 1 travels to A's QP with the request's PSN.
    expect(commands).toEqual(['key 0 100 8']);
  });

  test("a drop's window begins at its first dropped packet and closes after count packets", () => {
    const events: NewEvent[] = [];
    const inj = new FaultInjector([{ kind: 'drop-response', wr: 1, nth: 1, count: 2 }], fakeRun(events));
    const { filter } = fakeFilter();
    inj.useFilter(filter);
    filter.onDrop!(0, 1, 8);
    expect(events.map((e) => e.kind === 'Fault' && e.phase)).toEqual(['begin']);
    filter.onDrop!(0, 2, 8);
    inj.endRun(1e9);
    expect(events.map((e) => e.kind === 'Fault' && e.phase)).toEqual(['begin', 'end']);
    expect(ends(events)[0]).toMatchObject({ what: 'window closed' });
  });
});
