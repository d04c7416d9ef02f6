/** Shared helpers of the checker's tests: 1-minimality of a counterexample, and the canaries. */
import { sim } from '../../adapters/sim';
import type { FailoverLayer } from '../../src/core/layer';
import type { Property } from '../../src/core/property';
import type { Counterexample } from '../../src/core/results';
import type { Scenario } from '../../src/core/scenario';

/** True when the property is violated on the scenario. */
export async function fails(scenario: Scenario, layer: FailoverLayer, property: Property): Promise<boolean> {
  return (await property.check(sim().runSync!(scenario, layer))).status === 'violated';
}

/**
 * The variants of a counterexample with one workload step or one fault removed that still fail
 * (empty when the counterexample is 1-minimal).
 */
export async function removableParts(cx: Counterexample, layer: FailoverLayer, property: Property): Promise<string[]> {
  const s = cx.scenario;
  const still: string[] = [];
  for (let k = 0; k < s.workload.length; k++) {
    if (await fails({ ...s, workload: s.workload.filter((_, j) => j !== k) }, layer, property))
      still.push(`workload[${k}]`);
  }
  for (let k = 0; k < s.faults.length; k++) {
    if (await fails({ ...s, faults: s.faults.filter((_, j) => j !== k) }, layer, property)) still.push(`faults[${k}]`);
  }
  return still;
}

/** The kinds of the workload steps of a scenario, e.g. { post: 1, recv: 2 }. */
export function stepKinds(s: Scenario): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of s.workload) {
    const k = w.kind === 'post' ? w.wr.opcode : w.kind === 'third' ? `third ${w.op}` : w.kind;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
