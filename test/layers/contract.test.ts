import { sim } from '../../adapters/sim';
import { layers, referenceLayerNames, describeLayer } from '../../src/layers';
import type { Fault, Scenario, WorkloadStep } from '../../src/core/scenario';
import type { Opcode } from '../../src/core/verbs';
import { carriedOpcodes } from '../../src/core/layer';

const OPS: Opcode[] = ['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'WRITE_WITH_IMM'];
const FAULTS: Fault[][] = [
  [],
  [{ kind: 'drop-response', path: 0, count: 'all' }],
  [{ kind: 'drop-request', path: 0, count: 'all' }],
  [{ kind: 'link-down', path: 0, direction: 'both', after: { on: 'execute', wr: 1 }, upAfterNs: 400_000 }],
  [{ kind: 'nic-death', host: 'A', path: 0, after: { on: 'start' } }],
  [{ kind: 'qp-error', host: 'B', path: 0, after: { on: 'execute', wr: 1 } }],
  [{ kind: 'corrupt-wqe', path: 0, wr: 2 }],
  [{ kind: 'delay', direction: 'response', delayNs: 40_000, path: 0 }],
  [
    { kind: 'control-loss', after: { on: 'start' } },
    { kind: 'drop-response', path: 0, wr: 1, count: 2 },
  ],
];

/**
 * Three WRs of one op class, two RECVs more than needed, and the receiver reusing word 3; B sends
 * a message of its own when the layer carries SEND.
 */
function workload(op: Opcode, carried: readonly Opcode[]): WorkloadStep[] {
  const wr = (id: number) => ({ id, opcode: op, addr: 3, value: 10 + id, add: 1, compare: 0, swap: id, imm: id });
  return [
    { kind: 'recv', wr: { id: 1 } },
    { kind: 'recv', wr: { id: 2 } },
    { kind: 'recv', wr: { id: 3 } },
    { kind: 'recv', wr: { id: 4 } },
    { kind: 'reuse', addr: 3, expect: 11, value: 99 },
    { kind: 'post', wr: wr(1) },
    { kind: 'post', wr: wr(2) },
    { kind: 'post', wr: wr(3), after: { on: 'deliver', wr: 1 } },
    ...(carried.includes('SEND')
      ? ([
          { kind: 'post', host: 'B', wr: { id: 9, opcode: 'SEND', value: 90 } },
          { kind: 'recv', host: 'A', wr: { id: 9 } },
        ] satisfies WorkloadStep[])
      : []),
  ];
}

describe('every reference layer keeps the contract (no LayerFault in any run)', () => {
  for (const name of referenceLayerNames) {
    it(`${name} never misuses the LayerEnv, whatever the op class it carries, the fault and the QP settings`, () => {
      // An op class the layer does not carry (its `opcodes`) is never handed to it.
      const carried = carriedOpcodes(layers[name]);
      // The settings its audits use (a model of shipping code declares its deployment's timers)
      // and the simulator's defaults, which a user's own scenario may keep.
      const declared = layers[name].config;
      const settings = declared === undefined ? [undefined] : [undefined, declared];
      for (const config of settings) {
        for (const op of OPS.filter((o) => carried.includes(o))) {
          for (const faults of FAULTS) {
            const scenario: Scenario = { ...(config ? { config } : {}), workload: workload(op, carried), faults };
            const ex = sim().runSync!(scenario, layers[name]);
            const misuse = ex.trace.filter((e) => e.kind === 'LayerFault');
            expect({ op, config, faults, misuse }).toEqual({ op, config, faults, misuse: [] });
            expect(ex.end.reason).not.toBe('event-limit');
          }
        }
      }
    });
  }

  it('each reference layer documents its rule and expected audit', () => {
    for (const name of referenceLayerNames) {
      expect(layers[name].rule.length).toBeGreaterThan(10);
      expect(describeLayer(layers[name])).toContain(layers[name].name);
    }
    expect(layers.completionLog.expected.violations).toEqual([]);
  });
});
