/**
 * Throughput: the generator alone (scenarios/s), the simulator alone (trace events/s), and the
 * whole checker (checked scenarios/s = runs x op classes / wall time, every property, shrinking
 * of any violation included), per reference layer.
 */
import fc from 'fast-check';
import { sim } from '../adapters/sim';
import { checkLayer } from '../src/check';
import { scenarioArbitrary } from '../src/check/arbitraries';
import type { Scenario } from '../src/core/scenario';
import type { Report } from '../src/core/results';
import { OPCODES } from '../src/core/verbs';
import { layers, referenceLayerNames } from '../src/layers';
import { now } from './stats';

/** Generated scenarios per second (fast-check's generation and rdmacheck's toScenario). */
export function generatorRate(count: number): number {
  const start = now();
  fc.sample(scenarioArbitrary(), { seed: 7, numRuns: count });
  return count / ((now() - start) / 1000);
}

/** One layer's simulator figures over the same generated scenarios. */
export interface SimRate {
  layer: string;
  eventsPerRun: number;
  eventsPerSecond: number;
  runsPerSecond: number;
}

/** Simulator throughput per reference layer, best of `rounds` (fresh scenario objects each round). */
export function simulatorRates(count: number, rounds = 3): SimRate[] {
  const scenarios: Scenario[] = fc.sample(scenarioArbitrary(), { seed: 1, numRuns: count });
  const adapter = sim();
  return referenceLayerNames.map((name) => {
    let best = 0;
    let events = 0;
    for (let r = 0; r < rounds; r++) {
      const fresh = structuredClone(scenarios);
      const start = now();
      events = 0;
      for (const s of fresh) events += adapter.runSync!(s, layers[name]).trace.length;
      best = Math.max(best, events / ((now() - start) / 1000));
    }
    return { layer: name, eventsPerRun: events / count, eventsPerSecond: best, runsPerSecond: best / (events / count) };
  });
}

/** One layer's checker figures. */
export interface CheckRate {
  layer: string;
  scenarios: number;
  seconds: number;
  scenariosPerSecond: number;
  /** CPU seconds of the process during the audit (steadier than wall time on a shared machine). */
  cpuSeconds: number;
  scenariosPerCpuSecond: number;
  violated: string[];
}

/**
 * The scenarios a checkLayer report's columns ran (one per op class, plus the mixed column it adds
 * when there are several): per column, the most runs any of its cells judged. Not numRuns per
 * column: a column ends early once every property is decided (no work after a verdict).
 */
export function scenariosRun(report: Report): number {
  const columnRuns = new Map<string, number>();
  for (const r of report.results)
    if (r.opcode !== undefined) columnRuns.set(r.opcode, Math.max(columnRuns.get(r.opcode) ?? 0, r.runs));
  return [...columnRuns.values()].reduce((n, runs) => n + runs, 0);
}

/**
 * checkLayer with every property over every op class the layer carries, `numRuns` per audit column
 * (each op class, and the mixed column when the layer carries several: every column's scenarios count).
 */
export async function checkerRate(name: keyof typeof layers, numRuns: number): Promise<CheckRate> {
  const start = now();
  const cpu = process.cpuUsage();
  // A layer that carries only some op classes (FailoverLayer.opcodes) is audited on those.
  const opcodes = layers[name].opcodes ?? OPCODES;
  const report = await checkLayer(layers[name], { numRuns, opcodes });
  const seconds = (now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const scenarios = scenariosRun(report);
  return {
    layer: name,
    scenarios,
    seconds,
    scenariosPerSecond: scenarios / seconds,
    cpuSeconds,
    scenariosPerCpuSecond: scenarios / cpuSeconds,
    violated: report.results.filter((r) => !r.opcode && r.status === 'violated').map((r) => r.property),
  };
}

/** checkerRate for every reference layer. */
export async function checkerRates(numRuns: number): Promise<CheckRate[]> {
  const out: CheckRate[] = [];
  for (const name of referenceLayerNames) out.push(await checkerRate(name, numRuns));
  return out;
}
