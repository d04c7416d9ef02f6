/**
 * The differential corpus: scenarios run on the simulator (nic 'rxe') and on kernel Soft-RoCE
 * through the native adapter, with the pass-through and fail-stop layers (their decisions do not
 * depend on timing). The paper's T1/T2, one scenario per rule of the rxe profile, and generated
 * scenarios restricted to what the native adapter injects exactly (drops of A's WRs' packets),
 * and two reconnects (env.reset, coordinated and one-ended).
 *
 * NIC timeouts are 15..17 (rxe: 132..536 ms), not 10 or less: under rxe every timeout up to 10 is
 * one jiffy, a timer that fires at the next tick (0..4 ms after it is armed), often shorter than a
 * round trip between the two emulated guests through the packet filter. Soft-RoCE then
 * retransmits where no packet was lost: the k-th match of an exact drop counts the duplicate, and
 * a stall of a few jiffies exhausts retry_cnt (measured: docs/simulator.md, "Differential stage").
 * The simulator never retransmits early, so the corpus keeps the timers well above the round
 * trip; real time stays bounded: at most (retry_cnt 3 + 1) x 536 ms per scenario.
 */
import fc from 'fast-check';
import type { FailoverLayer } from '../../src/core/layer';
import type { Scenario, WorkloadStep } from '../../src/core/scenario';
import type { SendWr } from '../../src/core/verbs';
import { layers } from '../../src/layers';
import { resetAloneAndRetry, resetAndRetry } from '../native-vm/resetLayer';

/** The layers the corpus uses: two whose decisions do not depend on timing, and two reconnecting test layers. */
const CORPUS_LAYERS = {
  passThrough: layers.passThrough,
  failStop: layers.failStop,
  resetAndRetry,
  resetAloneAndRetry,
};

/** The module the agent loads the reconnecting test layers from (native layerModules). */
export const CORPUS_LAYER_MODULES = [require.resolve('../native-vm/resetLayer')];

/** One corpus entry. */
export interface DifferentialCase {
  name: string;
  layer: keyof typeof CORPUS_LAYERS;
  scenario: Scenario;
}

/** The layer a case runs with. */
export function layerOf(c: DifferentialCase): FailoverLayer {
  return CORPUS_LAYERS[c.layer];
}

/** The smallest NIC timeout the corpus uses (rxe: 132 ms, 33 jiffies; see the header). */
export const MIN_CORPUS_TIMEOUT = 15;

/** Every corpus scenario runs with these (the rxe profile; a 132 ms retransmission timer). */
const BASE = { nic: 'rxe' as const, timeout: MIN_CORPUS_TIMEOUT, retryCnt: 2, rnrRetry: 1 };

const fadd = (id: number): SendWr => ({ id, opcode: 'FETCH_ADD', addr: 0, add: 1 });
const posts = (wrs: SendWr[]): WorkloadStep[] => wrs.map((wr) => ({ kind: 'post', wr }));

/** The hand-written cases: the paper's T1/T2 and one per fidelity rule. */
export const NAMED_CASES: DifferentialCase[] = [
  {
    name: 'T1: every request of the WRITE lost',
    layer: 'passThrough',
    scenario: {
      config: BASE,
      workload: posts([{ id: 1, opcode: 'WRITE', addr: 0, value: 1 }]),
      faults: [{ kind: 'drop-request', wr: 1, count: 'all' }],
    },
  },
  {
    name: 'T2: every response of the WRITE lost, B reuses the word',
    layer: 'passThrough',
    scenario: {
      config: BASE,
      workload: [
        ...posts([{ id: 1, opcode: 'WRITE', addr: 0, value: 1 }]),
        { kind: 'reuse', addr: 0, expect: 1, value: 2 },
      ],
      faults: [{ kind: 'drop-response', wr: 1, count: 'all' }],
    },
  },
  {
    name: 'drop the response of WR 1 once, 5 FETCH_ADDs',
    layer: 'passThrough',
    scenario: {
      config: BASE,
      workload: posts([1, 2, 3, 4, 5].map(fadd)),
      faults: [{ kind: 'drop-response', wr: 1, count: 1 }],
    },
  },
  {
    name: 'initiator depth 1 (max_rd_atomic) under max_dest_rd_atomic 4, a response lost',
    layer: 'passThrough',
    scenario: {
      config: { ...BASE, maxDestRdAtomic: 4, maxRdAtomic: 1 },
      workload: posts([1, 2, 3, 4].map(fadd)),
      faults: [{ kind: 'drop-response', wr: 2, count: 1 }],
    },
  },
  {
    name: 'retry_cnt 7 under rxe: 9 responses lost, the WRITE still succeeds',
    layer: 'passThrough',
    scenario: {
      config: { ...BASE, retryCnt: 7 },
      workload: posts([{ id: 1, opcode: 'WRITE', addr: 1, value: 5 }]),
      faults: [{ kind: 'drop-response', wr: 1, count: 9 }],
    },
  },
  {
    name: "netdev down = nic-death under rxe: A's NIC 0 dead before the WRITE",
    layer: 'failStop',
    scenario: {
      config: BASE,
      workload: [
        { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 3 }, after: { on: 'post', wr: 9 } },
        ...posts([{ id: 9, opcode: 'FETCH_ADD', addr: 1, add: 1 }]),
      ],
      faults: [{ kind: 'nic-death', host: 'A', path: 0, after: { on: 'deliver', wr: 9 } }],
    },
  },
  {
    name: 'RNR exhaustion: a SEND with no RECV posted',
    layer: 'passThrough',
    scenario: {
      config: { ...BASE, rnrRetry: 1 },
      workload: posts([{ id: 1, opcode: 'SEND', value: 4 }]),
      faults: [],
    },
  },
  {
    name: "B's QP forced to ERR after WR 1 completes (flushes), fail-stop",
    layer: 'failStop',
    scenario: {
      config: BASE,
      workload: posts([fadd(1), fadd(2)]),
      faults: [{ kind: 'qp-error', host: 'B', path: 0, after: { on: 'deliver', wr: 1 } }],
    },
  },
  {
    name: 'coordinated reset: WR 2 fails RETRY_EXC_ERR, both ends reset (B first), WR 2 re-posted succeeds',
    layer: 'resetAndRetry',
    scenario: {
      config: { ...BASE, retryCnt: 1 },
      workload: posts([
        { id: 1, opcode: 'WRITE', addr: 0, value: 1 },
        { id: 2, opcode: 'WRITE', addr: 1, value: 2 },
      ]),
      faults: [{ kind: 'drop-request', path: 0, wr: 2, count: 2 }],
    },
  },
  {
    name: 'one-ended reset: A alone resets to PSN 0 and re-posts WR 3; B, expecting PSN 2, ACKs it as a duplicate and does not execute it',
    layer: 'resetAloneAndRetry',
    scenario: {
      config: { ...BASE, retryCnt: 1 },
      workload: posts([1, 2].map(fadd).concat([{ id: 3, opcode: 'WRITE', addr: 1, value: 7 }])),
      faults: [{ kind: 'drop-request', path: 0, wr: 3, count: 2 }],
    },
  },
];

/** How many generated cases the corpus holds. */
export const GENERATED_CASES = 56;

/** Scenarios drawn with a fixed seed: A's posts (B's RECVs for SENDs), exact drops of A's WRs. */
export function generatedCases(count = GENERATED_CASES, seed = 11): DifferentialCase[] {
  const op = fc.record({
    opcode: fc.constantFrom('WRITE', 'READ', 'FETCH_ADD', 'CMP_SWAP', 'SEND' as const),
    addr: fc.integer({ min: 0, max: 3 }),
    value: fc.integer({ min: 1, max: 9 }),
    compare: fc.integer({ min: 0, max: 1 }),
  });
  const drop = fc.record({
    kind: fc.constantFrom('drop-request' as const, 'drop-response' as const),
    wr: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    nth: fc.integer({ min: 1, max: 3 }),
    count: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant<'all'>('all')),
  });
  const draft = fc.record({
    ops: fc.array(op, { minLength: 1, maxLength: 4 }),
    drops: fc.array(drop, { minLength: 1, maxLength: 2 }),
    retryCnt: fc.integer({ min: 1, max: 3 }),
    timeout: fc.integer({ min: 8, max: 10 }),
    maxDestRdAtomic: fc.constantFrom(1, 2, 4),
    failStop: fc.boolean(),
  });
  return fc.sample(draft, { seed, numRuns: count }).map((d, k) => {
    const wrs: SendWr[] = d.ops.map((o, i) => {
      const id = i + 1;
      switch (o.opcode) {
        case 'WRITE':
          return { id, opcode: 'WRITE', addr: o.addr, value: o.value };
        case 'READ':
          return { id, opcode: 'READ', addr: o.addr };
        case 'FETCH_ADD':
          return { id, opcode: 'FETCH_ADD', addr: o.addr, add: o.value };
        case 'CMP_SWAP':
          return { id, opcode: 'CMP_SWAP', addr: o.addr, compare: o.compare, swap: o.value };
        default:
          return { id, opcode: 'SEND', value: o.value };
      }
    });
    const recvs: WorkloadStep[] = wrs
      .filter((w) => w.opcode === 'SEND')
      .map((w) => ({ kind: 'recv', wr: { id: 100 + w.id } }));
    const faults = d.drops.map((f) => ({
      kind: f.kind,
      path: 0,
      ...(f.wr !== undefined ? { wr: Math.min(f.wr, wrs.length) } : {}),
      nth: f.nth,
      count: f.count,
    }));
    return {
      name: `generated #${k + 1}`,
      layer: d.failStop ? 'failStop' : 'passThrough',
      scenario: {
        // The draw (8..10) is kept so that the scenarios are those of the first measurement.
        config: {
          ...BASE,
          retryCnt: d.retryCnt,
          timeout: d.timeout - 8 + MIN_CORPUS_TIMEOUT,
          maxDestRdAtomic: d.maxDestRdAtomic,
        },
        workload: [...recvs, ...posts(wrs)],
        faults,
      },
    };
  });
}

/** The whole corpus, named cases first. */
export function differentialCorpus(): DifferentialCase[] {
  return [...NAMED_CASES, ...generatedCases()];
}
