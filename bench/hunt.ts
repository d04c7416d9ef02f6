/**
 * What one hunt for one bug measures, for rdmacheck and for the baseline alike: runs and wall
 * time to the first failure, the time after it (shrinking, and any work still done), the shrunk
 * size, and whether the result is 1-minimal (removing any one step or fault makes it pass).
 */
import { sim } from '../adapters/sim';
import { checkColumns } from '../src/check';
import { scenarioSize } from '../src/check/minimize';
import type { FailoverLayer } from '../src/core/layer';
import type { Property } from '../src/core/property';
import type { Scenario } from '../src/core/scenario';
import type { Bug } from './bugs';
import { now } from './stats';

/** One hunt's figures; `found` false means the budget ran out first. */
export interface Hunt {
  seed: number;
  found: boolean;
  /** Runs up to and including the first failing one. */
  runsToFailure?: number;
  /** Wall time from the start to the first failure, ms. */
  msToFailure?: number;
  /** Wall time from the first failure to the result, ms (shrinking and whatever else runs). */
  msAfterFailure?: number;
  /** Workload steps + faults of the shrunk scenario. */
  size?: number;
  oneMinimal?: boolean;
  /** The shrunk scenario itself (kept in the JSON only with --minimal: it is the bulk of it). */
  minimal?: Scenario;
}

/** True when `property` is violated on `scenario` in the simulator. */
export async function violates(scenario: Scenario, layer: FailoverLayer, property: Property): Promise<boolean> {
  try {
    return (await property.check(sim().runSync!(scenario, layer))).status === 'violated';
  } catch {
    return false;
  }
}

/** True when removing any single workload step or fault makes the scenario pass. */
export async function isOneMinimal(s: Scenario, layer: FailoverLayer, property: Property): Promise<boolean> {
  for (let k = 0; k < s.workload.length; k++)
    if (await violates({ ...s, workload: s.workload.filter((_, j) => j !== k) }, layer, property)) return false;
  for (let k = 0; k < s.faults.length; k++)
    if (await violates({ ...s, faults: s.faults.filter((_, j) => j !== k) }, layer, property)) return false;
  return true;
}

/** A found hunt's record: times from the start, and the minimal scenario's size and 1-minimality. */
export async function foundHunt(
  seed: number,
  runsToFailure: number | undefined,
  times: { start: number; foundAt: number; end: number },
  minimal: Scenario,
  bug: Pick<Bug, 'layer' | 'property'>,
): Promise<Hunt> {
  return {
    seed,
    found: true,
    runsToFailure,
    msToFailure: times.foundAt - times.start,
    msAfterFailure: times.end - times.foundAt,
    size: scenarioSize(minimal),
    oneMinimal: await isOneMinimal(minimal, bug.layer, bug.property),
    minimal,
  };
}

/**
 * rdmacheck's hunt: checkLayer on the bug's op class and property alone, `budget` runs (a mixed
 * bug: the mixed column alone, drawing from every op class the layer carries).
 */
export async function huntWithRdmacheck(b: Bug, seed: number, budget: number): Promise<Hunt> {
  let runsToFailure: number | undefined;
  let foundAt: number | undefined;
  const start = now();
  const report = await checkColumns(
    b.layer,
    {
      ...(b.opcode === 'mixed' ? {} : { opcodes: [b.opcode] }),
      properties: [b.property],
      numRuns: budget,
      seed,
      onProgress: (p) => {
        if (p.failures > 0 && runsToFailure === undefined) {
          runsToFailure = p.runs;
          foundAt = now();
        }
      },
    },
    [b.opcode],
  );
  const end = now();
  const r = report.results.find((x) => x.opcode === b.opcode);
  const cx = r?.counterexample;
  if (!r || r.status !== 'violated' || !cx || foundAt === undefined) return { seed, found: false };
  return foundHunt(seed, runsToFailure, { start, foundAt, end }, cx.scenario, b);
}
