/**
 * npm run bench:generator: the scenario generator with and without swarm generation and fault
 * locality. (1) Coverage classes exercised per 1,000 runs (shift, every op class); (2) runs to
 * the first failure of the once rarely reached reference defects, per seed (capped at
 * RDMACHECK_BENCH_CAP, default 3,000). Prints markdown for the README.
 */
import fc from 'fast-check';
import { sim } from '../adapters/sim';
import { properties } from '../properties';
import { scenarioArbitrary } from '../src/check/arbitraries';
import { COVERAGE_CLASS_NAMES, coverageOf } from '../src/check/coverage/classes';
import type { FailoverLayer } from '../src/core/layer';
import type { Property } from '../src/core/property';
import { checkSafely } from '../src/core/safe-check';
import type { Opcode } from '../src/core/verbs';
import { OPCODES } from '../src/core/verbs';
import { layers } from '../src/layers';

const VARIANTS = [
  { name: 'plain', swarm: false, locality: false },
  { name: 'swarm', swarm: true, locality: false },
  { name: 'locality', swarm: false, locality: true },
  { name: 'swarm + locality', swarm: true, locality: true },
];
const SEEDS = [1, 2, 3];
const CAP = Number(process.env.RDMACHECK_BENCH_CAP ?? 3000);

/** A defect: `property` violated by `layer` on `opcodes` scenarios (and, with notBy, held by that layer: one mechanism). */
const BUGS: { label: string; layer: FailoverLayer; property: Property; opcodes: Opcode[]; notBy?: FailoverLayer }[] = [
  {
    label: "shift's second failure (failure-masking, WRITE)",
    layer: layers.shift,
    property: properties.failureMasking,
    opcodes: ['WRITE'],
  },
  {
    label: 'shift-no-fence queue sliding (SEND)',
    layer: layers.shiftNoFence,
    property: properties.noQueueSliding,
    opcodes: ['SEND'],
  },
  {
    label: 'resend-all double FETCH_ADD (at-most-once)',
    layer: layers.resendAll,
    property: properties.atMostOnce,
    opcodes: ['FETCH_ADD'],
  },
  {
    label: 'shift-no-handshake queue sliding (SEND)',
    layer: layers.shiftNoHandshake,
    property: properties.noQueueSliding,
    opcodes: ['SEND'],
  },
  {
    label: "kucx-failover abort, both of A's devices at once (failure-masking, WRITE)",
    layer: layers.kucxFailover,
    property: properties.failureMasking,
    opcodes: ['WRITE'],
  },
  {
    label: "nccl-ib-resiliency replay after the receiver's reuse (linearizability, WRITE)",
    layer: layers.ncclIbResiliency,
    property: properties.linearizability,
    opcodes: ['WRITE'],
  },
  {
    label: 'nccl-ib-resiliency replay to a stalled receiver (at-most-once, WRITE_WITH_IMM)',
    layer: layers.ncclIbResiliency,
    property: properties.atMostOnce,
    opcodes: ['WRITE_WITH_IMM'],
  },
  // Issue 18's targeted shapes (src/check/targeted.ts), one row each.
  {
    label: 'read-verify lost FETCH_ADD reported done (completion-fidelity; contended word)',
    layer: layers.readVerify,
    property: properties.completionFidelity,
    opcodes: ['FETCH_ADD'],
  },
  {
    label: "shift's SEND behind an unsignaled WRITE never completes (completion-fidelity, mixed; write-then-notify)",
    layer: layers.shift,
    property: properties.completionFidelity,
    opcodes: [...OPCODES],
  },
  {
    label: "shift-no-fence's switch-back overtakes the backup (SEND; shift holds; congested backup)",
    layer: layers.shiftNoFence,
    property: properties.noQueueSliding,
    opcodes: ['SEND'],
    notBy: layers.shift,
  },
];

async function main(): Promise<void> {
  const adapter = sim();
  console.log('| generator | classes reached (of 15) in 1,000 runs | class hits per run | rarest class (runs) |');
  console.log('|---|---:|---:|---|');
  for (const v of VARIANTS) {
    const counts = new Map<string, number>(COVERAGE_CLASS_NAMES.map((n) => [n, 0]));
    const scenarios = fc.sample(scenarioArbitrary({ opcodes: OPCODES, swarm: v.swarm, locality: v.locality }), {
      seed: 1,
      numRuns: 1000,
    });
    let hits = 0;
    for (const s of scenarios)
      for (const c of coverageOf(adapter.runSync!(s, layers.shift).trace)) {
        counts.set(c, counts.get(c)! + 1);
        hits++;
      }
    const reached = [...counts.values()].filter((n) => n > 0).length;
    const rarest = [...counts.entries()].filter(([, n]) => n > 0).sort((a, b) => a[1] - b[1])[0];
    console.log(`| ${v.name} | ${reached} | ${(hits / 1000).toFixed(2)} | ${rarest[0]} (${rarest[1]}) |`);
  }
  console.log('');
  console.log(`| defect | ${VARIANTS.map((v) => v.name).join(' | ')} |`);
  console.log(`|---|${VARIANTS.map(() => '---').join('|')}|`);
  for (const bug of BUGS) {
    const cells: string[] = [];
    for (const v of VARIANTS) {
      const firsts: string[] = [];
      for (const seed of SEEDS) {
        const arb = scenarioArbitrary({
          opcodes: bug.opcodes,
          swarm: v.swarm,
          locality: v.locality,
          config: bug.layer.config,
        });
        let first = '-';
        let k = 0;
        for (const s of fc.sample(arb, { seed, numRuns: CAP })) {
          k++;
          const run = adapter.runSync!(s, bug.layer);
          const violated = async (layer: FailoverLayer, ran = adapter.runSync!(s, layer)) =>
            (await checkSafely(bug.property, ran)).status === 'violated';
          if ((await violated(bug.layer, run)) && !(bug.notBy !== undefined && (await violated(bug.notBy)))) {
            first = String(k);
            break;
          }
        }
        firsts.push(first);
      }
      cells.push(firsts.join(', '));
    }
    console.log(`| ${bug.label} | ${cells.join(' | ')} |`);
  }
  console.log('');
  console.log(`runs to the first failure for seeds ${SEEDS.join(', ')}; '-': none within ${CAP} runs`);
}

void main();
