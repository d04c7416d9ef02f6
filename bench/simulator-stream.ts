/**
 * npm run bench: simulator throughput in simulated trace events per second of wall time, on one
 * core, for (1) one long stream of WRs with losses and (2) many small generated scenarios (the
 * checker's workload). Wall-clock numbers are noisy on shared machines: compare ratios.
 */
import fc from 'fast-check';
import { sim } from '../adapters/sim';
import { scenarioArbitrary } from '../src/check/arbitraries';
import { layers } from '../src/layers';
import { passThrough } from '../src/layers/passThrough';
import type { Scenario, WorkloadStep } from '../src/core/scenario';

function measure(label: string, scenarios: Scenario[], layer = passThrough, rounds = 3): void {
  const adapter = sim();
  let best = 0;
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    // Fresh scenario objects every round, as the checker's are (validation is cached per object).
    const fresh = structuredClone(scenarios);
    const start = process.hrtime.bigint();
    events = 0;
    for (const s of fresh) events += adapter.runSync!(s, layer).trace.length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, events / seconds);
  }
  console.log(
    `${label.padEnd(48)} ${String(events).padStart(9)} events/round  ${(best / 1e6).toFixed(2)} M events/s (best of ${rounds})`,
  );
}

const OPS = ['WRITE', 'READ', 'FETCH_ADD', 'CMP_SWAP'] as const;
const stream: Scenario = {
  config: { maxEvents: 10_000_000 },
  // An application that keeps 16 WRs in flight: WR k+16 is posted when WR k completes.
  workload: Array.from({ length: 20_000 }, (_, k): WorkloadStep => ({
    kind: 'post',
    wr: { id: k + 1, opcode: OPS[k % 4], addr: k % 8, value: k, add: 1, compare: 0, swap: 1 },
    ...(k >= 16 ? { after: { on: 'deliver' as const, wr: k - 15 } } : {}),
  })),
  faults: [
    { kind: 'drop-request', path: 0, nth: 100, count: 3 },
    { kind: 'drop-response', path: 0, nth: 5000, count: 2 },
  ],
};

console.log(`rdmacheck bench (node ${process.version})`);
measure('stream: 20,000 WRs, 16 in flight, pass-through', [stream]);
// The checker's own scenarios: what an audit runs.
const small = fc.sample(scenarioArbitrary(), { seed: 1, numRuns: 5_000 });
measure('5,000 checker scenarios, pass-through', small);
measure('5,000 checker scenarios, resend-all', small, layers.resendAll);
measure('5,000 checker scenarios, shift', small, layers.shift);
