/** Mooncake's rail bookkeeping (src/layers/mooncake/rails.ts), rule by rule, on a clock the test moves. */
import { RailStates, selectDevice } from '../../src/layers/mooncake/rails';
import { MOONCAKE_DEFAULTS } from '../../src/layers/mooncake/source';

const SECOND = 1_000_000_000;

function rails() {
  const clock = { now: 1 };
  return { clock, r: new RailStates(MOONCAKE_DEFAULTS, () => clock.now) };
}

describe('mooncake rails', () => {
  it('wp.cpp:markRailFailed:1385-1397: 5 errors within 5 s pause a rail; 4 do not', () => {
    const { clock, r } = rails();
    for (let k = 0; k < 4; k++) {
      r.markFailed(0, false);
      clock.now += SECOND;
    }
    expect(r.isAvailable(0)).toBe(true);
    r.markFailed(0, false);
    expect(r.isAvailable(0)).toBe(false);
  });

  it('wp.cpp:markRailFailed:1383-1384: errors more than 5 s apart start the count again', () => {
    const { clock, r } = rails();
    for (let k = 0; k < 8; k++) {
      r.markFailed(0, false);
      clock.now += 6 * SECOND;
    }
    expect(r.isAvailable(0)).toBe(true);
  });

  it('wp.cpp:markRailFailed:1387-1389: an immediate pause needs one error', () => {
    const { r } = rails();
    r.markFailed(1, true);
    expect(r.isAvailable(1)).toBe(false);
    expect(r.isAvailable(0)).toBe(true);
  });

  it('wp.cpp:isRailAvailable:1407-1413: a pause expires after rdma_rail_pause_seconds = 30 and clears the record', () => {
    const { clock, r } = rails();
    r.markFailed(0, true);
    clock.now += 30 * SECOND - 1;
    expect(r.isAvailable(0)).toBe(false);
    clock.now += 1;
    expect(r.isAvailable(0)).toBe(true);
    r.markFailed(0, false); // the count restarted: one error is not a pause
    expect(r.isAvailable(0)).toBe(true);
  });

  it('wp.cpp:hasAvailablePeerRailAlternative:1163-1195: an alternative is another unpaused rail', () => {
    const { r } = rails();
    expect(r.hasAlternative(0, 2)).toBe(true);
    r.markFailed(1, true);
    expect(r.hasAlternative(0, 2)).toBe(false);
  });

  it('topo.cpp:Topology::selectDevice:761-789: retry 0 takes the preferred device, retry k device (k-1) mod n', () => {
    expect([0, 1, 2, 3, 4].map((k) => selectDevice(k, 2))).toEqual([0, 0, 1, 0, 1]);
    expect([0, 1, 2, 3, 4].map((k) => selectDevice(k, 3))).toEqual([0, 0, 1, 2, 0]);
  });

  it('wp.cpp:redispatch:800-834: a paused device gives way to the first unpaused other; none left, no device', () => {
    const { r } = rails();
    r.markFailed(0, true);
    expect(r.choose(1, 3)).toBe(1);
    r.markFailed(1, true);
    expect(r.choose(1, 3)).toBe(2);
    r.markFailed(2, true);
    expect(r.choose(1, 3)).toBeUndefined();
  });
});
