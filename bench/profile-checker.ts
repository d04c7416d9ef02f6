/**
 * The workload the performance rounds profile: a 200-run warm-up audit of completion-log, then
 * `checkerRate('completionLog', 1000)`, its rate printed as JSON. Run it under the profiler:
 *
 *   node --cpu-prof -r ts-node/register/transpile-only bench/profile-checker.ts [layer] [numRuns]
 */
import { layers } from '../src/layers';
import { checkerRate } from './throughput';

async function main(layer: keyof typeof layers, numRuns: number): Promise<void> {
  await checkerRate(layer, 200);
  console.log(JSON.stringify(await checkerRate(layer, numRuns)));
}

void main((process.argv[2] ?? 'completionLog') as keyof typeof layers, Number(process.argv[3] ?? 1000));
