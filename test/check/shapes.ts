/** Shared checks of the generator's shape tests (targeted, straggler, stale response). */
import { validateScenario } from '../../adapters/sim';
import type { FailoverLayer } from '../../src/core/layer';
import type { Property } from '../../src/core/property';
import type { Scenario, WorkloadStep } from '../../src/core/scenario';
import type { Opcode } from '../../src/core/verbs';
import { fails } from './helpers';

/** A posted WR of a scenario's workload. */
export type Post = Extract<WorkloadStep, { kind: 'post' }>;

/** The posted WRs of a scenario, in workload order. */
export const posts = (s: Scenario): Post[] => s.workload.filter((w): w is Post => w.kind === 'post');

/** Every scenario is valid for the simulator and posts only WRs of the column's op classes. */
export function expectValidWithin(opcodes: readonly Opcode[], scenarios: readonly Scenario[]): void {
  for (const s of scenarios) {
    expect(() => validateScenario(s)).not.toThrow();
    for (const p of posts(s)) expect(opcodes).toContain(p.wr.opcode);
  }
}

/** How many of `scenarios` satisfy the asynchronous test `p`. */
export async function countWhere(
  scenarios: readonly Scenario[],
  p: (s: Scenario) => Promise<boolean>,
): Promise<number> {
  let n = 0;
  for (const s of scenarios) if (await p(s)) n++;
  return n;
}

/** The share of `scenarios` on which `layer` violates `property`. */
export async function shareFailing(
  scenarios: readonly Scenario[],
  layer: FailoverLayer,
  property: Property,
): Promise<number> {
  return (await countWhere(scenarios, (s) => fails(s, layer, property))) / scenarios.length;
}
