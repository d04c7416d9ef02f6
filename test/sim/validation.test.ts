/** A malformed scenario is refused with a message naming the field and the fix. */
import { ScenarioError } from '../../adapters/sim';
import type { Scenario } from '../../src/core/scenario';
import { run } from './helpers';

const refuse = (s: unknown) => () => run(s as Scenario);

test.each([
  [
    { workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRTE', addr: 0 } }], faults: [] },
    /workload\[0\]\.wr\.opcode: "WRTE" is not an opcode/,
  ],
  [
    { workload: [{ kind: 'post', wr: { id: 0, opcode: 'WRITE', addr: 0 } }], faults: [] },
    /wr\.id: application WR ids are positive/,
  ],
  [{ workload: [{ kind: 'post', wr: { id: 1, opcode: 'READ' } }], faults: [] }, /wr\.addr: READ needs an address/],
  [
    { workload: [], faults: [{ kind: 'link-down', path: 3, direction: 'both', after: { on: 'start' } }] },
    /faults\[0\]\.path: path 3 does not exist \(paths are 0\.\.1\)/,
  ],
  [{ workload: [], faults: [{ kind: 'meteor' }] }, /faults\[0\]\.kind: "meteor" is not a fault kind/],
  [{ config: { retryCnt: 9 }, workload: [], faults: [] }, /config\.retryCnt: must be an integer in 0\.\.7/],
  [{ config: { retry_cnt: 3 }, workload: [], faults: [] }, /config\.retry_cnt: unknown setting/],
  [{ config: { maxRdAtomic: 65 }, workload: [], faults: [] }, /config\.maxRdAtomic: must be an integer in 0\.\.64/],
  [{ config: { nic: 'mlx5' }, workload: [], faults: [] }, /config\.nic: must be one of 'ibta', 'rxe' \(got mlx5\)/],
  [
    { workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 2.5, value: 1 } }], faults: [] },
    /wr\.addr: WRITE at address 2\.5 straddles two words.*only atomics may be misaligned/,
  ],
  [
    { workload: [{ kind: 'reuse', addr: 99, expect: 1, value: 2 }], faults: [] },
    /workload\[0\]\.addr: must be a word address in 0\.\.15/,
  ],
  [
    { workload: [{ kind: 'post', wr: { id: 1, opcode: 'SEND' }, after: { on: 'soon' } }], faults: [] },
    /workload\[0\]\.after\.on: "soon" is not an anchor/,
  ],
])('scenario %# is refused: %j', (scenario, message) => {
  expect(refuse(scenario)).toThrow(ScenarioError);
  expect(refuse(scenario)).toThrow(message);
});
