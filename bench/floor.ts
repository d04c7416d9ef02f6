/**
 * The floor of a checked scenario (issue 13: does 20,000 checked scenarios/s need "several million
 * simulated events per second, or fewer re-runs"?). For completion-log and pass-through (the
 * near-empty layer: the checker's ceiling when the layer costs nothing), on the very scenarios an
 * audit at seed 1 draws (1,000 runs per op class, captured by a recording adapter), in CPU
 * microseconds per scenario:
 * - the whole checker (checkLayer, every property), for reference;
 * - generation alone (the same arbitraries, fc.sample at the same seed);
 * - one run (the simulator with the layer), split by the inspector's sampling profiler into the
 *   layer's own code (src/layers/**), the env contract (src/core/env/**), the simulator
 *   (adapters/sim/**, validation, the trace), and garbage collection; a helper or builtin counts for
 *   its caller (runShares).
 * The run's total is the fastest of several unprofiled rounds; the profile gives only the shares.
 *
 *   npx ts-node --transpile-only bench/floor.ts [numRuns] [rounds]
 */
import { Session } from 'node:inspector';
import fc from 'fast-check';
import { sim } from '../adapters/sim';
import { checkLayer, opClassArbitrary } from '../src/check';
import { resolveCheckOptions } from '../src/check/options';
import type { Adapter } from '../src/core/execution';
import type { FailoverLayer } from '../src/core/layer';
import type { Property } from '../src/core/property';
import type { OpClass } from '../src/core/results';
import type { Scenario } from '../src/core/scenario';
import { OPCODES } from '../src/core/verbs';
import { layers } from '../src/layers';
import { fmt, printTable } from './stats';
import { checkerRate, scenariosRun } from './throughput';

/** CPU microseconds of this process so far (user and system). */
function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** The scenarios checkLayer draws for `layer` at `seed` (every op class it carries), in order. */
async function auditScenarios(layer: FailoverLayer, numRuns: number, seed: number): Promise<Scenario[]> {
  const inner = sim();
  const drawn: Scenario[] = [];
  const recording: Adapter = {
    ...inner,
    name: 'sim',
    runSync(scenario, l) {
      drawn.push(scenario);
      return inner.runSync!(scenario, l);
    },
  };
  // One property that always holds: the search then draws every run and judges nothing.
  const none: Property = { name: 'none', check: () => ({ status: 'holds' }) };
  await checkLayer(layer, { numRuns, seed, adapter: recording, properties: [none], opcodes: layer.opcodes ?? OPCODES });
  return drawn;
}

/** CPU microseconds per scenario to draw the audit's scenarios again (fast-check and the draft), every column. */
function generationUs(layer: FailoverLayer, numRuns: number, seed: number): number {
  const o = resolveCheckOptions(layer, { numRuns, seed, opcodes: layer.opcodes ?? OPCODES });
  const columns: OpClass[] = [...o.opcodes, ...(o.mixed ? (['mixed'] as const) : [])];
  const start = cpuUs();
  for (const column of columns) fc.sample(opClassArbitrary(column, o), { seed, numRuns });
  return (cpuUs() - start) / (numRuns * columns.length);
}

/** The fastest of `rounds` rounds of one run per scenario, in CPU us per scenario; events per run. */
function runUs(layer: FailoverLayer, scenarios: readonly Scenario[], rounds: number): { us: number; events: number } {
  const adapter = sim();
  let best = Infinity;
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    events = 0;
    const start = cpuUs();
    for (const s of scenarios) events += adapter.runSync!(s, layer).trace.length;
    best = Math.min(best, cpuUs() - start);
  }
  return { us: best / scenarios.length, events: events / scenarios.length };
}

/** Where a sample's time goes. */
type Part = 'layer' | 'contract' | 'gc' | 'simulator';

/** The part a frame's own file belongs to; undefined for shared helpers and builtins. */
function partOfFile(url: string): Part | undefined {
  if (url.includes('/src/layers/')) return 'layer';
  if (url.includes('/src/core/env/')) return 'contract';
  if (url.includes('/adapters/sim/')) return 'simulator';
  return undefined;
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}

/**
 * Shares of the runs' CPU time per part, from the inspector's sampling profiler. A sample counts
 * for the part of its innermost frame in the layer (src/layers), the env contract (src/core/env)
 * or the simulator (adapters/sim): a shared helper or builtin (copyWr, a Map's set) counts for
 * whoever called it. Samples with no such frame (the trace's helpers called by the loop, the
 * bench's own loop) count for the simulator; garbage collection is its own part.
 */
async function runShares(
  layer: FailoverLayer,
  scenarios: readonly Scenario[],
  rounds: number,
): Promise<Record<Part, number>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 50 });
  await post('Profiler.start');
  const adapter = sim();
  for (let r = 0; r < rounds; r++) for (const s of scenarios) adapter.runSync!(s, layer);
  const { profile } = (await post('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[] } };
  session.disconnect();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partOfNode = (id: number): Part | 'skip' => {
    const { functionName } = byId.get(id)!.callFrame;
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return 'skip';
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const part = partOfFile(byId.get(x)!.callFrame.url);
      if (part) return part;
    }
    return 'simulator';
  };
  const counts: Record<Part, number> = { layer: 0, contract: 0, gc: 0, simulator: 0 };
  let total = 0;
  for (const id of profile.samples) {
    const part = partOfNode(id);
    if (part === 'skip') continue;
    counts[part]++;
    total++;
  }
  for (const k of Object.keys(counts) as Part[]) counts[k] /= total;
  return counts;
}

/** One layer's floor figures, CPU us per scenario. */
interface Floor {
  layer: string;
  scenarios: number;
  eventsPerRun: number;
  checker: number;
  /** The whole checker with no shrinking (the same runs, any violation kept as first found). */
  unshrunk: number;
  generation: number;
  run: number;
  parts: Record<Part, number>;
}

async function floorOf(name: 'completionLog' | 'passThrough', numRuns: number, rounds: number): Promise<Floor> {
  const layer = layers[name];
  await checkerRate(name, 200); // JIT warm-up
  const checked = await checkerRate(name, numRuns);
  // A layer that fails a property (pass-through: failure-masking, in every column) also pays for
  // shrinking; with no shrink time the first failing candidate is kept, which costs next to nothing.
  const cpu0 = cpuUs();
  const report = await checkLayer(layer, { numRuns, seed: 1, shrinkTimeLimitMs: 0, opcodes: layer.opcodes ?? OPCODES });
  const unshrunk = (cpuUs() - cpu0) / scenariosRun(report);
  const scenarios = await auditScenarios(layer, numRuns, 1);
  const generation = generationUs(layer, numRuns, 1);
  runUs(layer, scenarios, 1); // warm-up
  const { us, events } = runUs(layer, scenarios, rounds);
  const shares = await runShares(layer, scenarios, 2);
  const parts = { layer: 0, contract: 0, gc: 0, simulator: 0 };
  for (const k of Object.keys(parts) as Part[]) parts[k] = us * shares[k];
  return {
    layer: layers[name].name,
    scenarios: scenarios.length,
    eventsPerRun: events,
    checker: 1e6 / checked.scenariosPerCpuSecond,
    unshrunk,
    generation,
    run: us,
    parts,
  };
}

async function main(numRuns: number, rounds: number): Promise<void> {
  const floors = [await floorOf('completionLog', numRuns, rounds), await floorOf('passThrough', numRuns, rounds)];
  const us = (x: number) => fmt(x, 1);
  printTable(
    `Per checked scenario, CPU us (seed 1, ${numRuns} runs per op class; run: fastest of ${rounds} rounds, split by profile)`,
    [
      'layer',
      'scenarios',
      'events/run',
      'checker',
      'no shrinking',
      'generation',
      'run',
      'layer code',
      'env contract',
      'simulator',
      'GC in run',
    ],
    floors.map((f) => [
      f.layer,
      fmt(f.scenarios),
      us(f.eventsPerRun),
      us(f.checker),
      us(f.unshrunk),
      us(f.generation),
      us(f.run),
      us(f.parts.layer),
      us(f.parts.contract),
      us(f.parts.simulator),
      us(f.parts.gc),
    ]),
  );
  const [cl, pt] = floors;
  for (const f of floors)
    console.log(
      `${f.layer}: the checker's work besides the run, no shrinking: ${us(f.unshrunk - f.run)} us per scenario (generation ${us(f.generation)}, ` +
        `the rest ${us(f.unshrunk - f.run - f.generation)}: replay, twin, properties, coverage, GC); the run ${fmt(f.eventsPerRun / f.run, 2)} M events per CPU second with the layer.`,
    );
  console.log(
    `\nA checker that runs the layer once and spends nothing else: at most ${fmt(Math.round(1e6 / cl.run))} completion-log scenarios per CPU second (${fmt(Math.round(1e6 / pt.run))} for pass-through).`,
  );
  console.log(
    `With generation as now as well: at most ${fmt(Math.round(1e6 / (cl.run + cl.generation)))} (pass-through ${fmt(Math.round(1e6 / (pt.run + pt.generation)))}).`,
  );
  console.log(
    `With an infinitely fast simulator and generation as now: at most ${fmt(Math.round(1e6 / (cl.parts.layer + cl.parts.contract + cl.generation)))} completion-log scenarios per CPU second.`,
  );
  console.log(
    `The checker as it is with a layer that costs nothing (pass-through, all properties, no shrinking): ${fmt(Math.round(1e6 / pt.unshrunk))} per CPU second.`,
  );
  const budget = 50; // us per scenario at 20,000/s
  const left = budget - cl.parts.layer - cl.parts.contract;
  console.log(
    `20,000/s is ${budget} us per scenario; the layer's code and the env contract take ${us(cl.parts.layer + cl.parts.contract)} us of one completion-log run, ` +
      (left > 0
        ? `leaving ${us(left)} us for ${us(cl.eventsPerRun)} simulated events and everything else: the simulator at >= ${fmt(cl.eventsPerRun / left, 2)} M events/s with nothing else spent (now ${fmt(cl.eventsPerRun / cl.parts.simulator, 2)} M events/s of its own time).`
        : 'more than the whole budget: no simulator speed reaches it.'),
  );
}

void main(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 5));
