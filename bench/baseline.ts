/**
 * The fast-check baseline of issue 13: the hunt written the way a competent fast-check user
 * would without rdmacheck. `fc.commands` draws a sequence of generic commands (post a WR of the
 * op class, or of any class the layer carries for a mixed hunt; post a RECV, the receiver's
 * reuse, a third-party operation, a fault of any kind); `fc.modelRun` applies them to a scenario
 * builder; every fault targets the WR posted just before it. The fabric settings are the layer's
 * own when it declares them (a shipping stack's QP attributes), else drawn. The scenario then
 * runs on the same simulator and is judged by the same property; fast-check's own commands
 * shrinker minimises it. Nothing of rdmacheck's generator or shrinker is used.
 */
import fc from 'fast-check';
import { sim } from '../adapters/sim';
import type { FailoverLayer } from '../src/core/layer';
import { carriedOpcodes } from '../src/core/layer';
import type { Anchor, Fault, Scenario, SimConfig, WorkloadStep } from '../src/core/scenario';
import { FAULT_KINDS } from '../src/core/scenario';
import type { Opcode, SendWr } from '../src/core/verbs';
import type { Bug } from './bugs';
import type { Hunt } from './hunt';
import { foundHunt } from './hunt';
import { now } from './stats';

/** The builder the commands act on: the scenario so far and the last WR posted. */
interface Builder {
  workload: WorkloadStep[];
  faults: Fault[];
  lastWr: number;
  recvs: number;
}
interface Model {
  posted: number;
}
type Cmd = fc.Command<Model, Builder>;

/** Posts a WR of the op class. */
class Post implements Cmd {
  constructor(
    readonly fields: { addr: number; value: number; add: number; compare: number; swap: number },
    readonly opcode: Opcode,
  ) {}
  check = () => true;
  run(m: Model, b: Builder): void {
    const id = ++b.lastWr;
    m.posted++;
    const f = this.fields;
    const wr: SendWr =
      this.opcode === 'SEND'
        ? { id, opcode: 'SEND', value: 100 + id }
        : this.opcode === 'READ'
          ? { id, opcode: 'READ', addr: f.addr }
          : this.opcode === 'FETCH_ADD'
            ? { id, opcode: 'FETCH_ADD', addr: f.addr, add: f.add }
            : this.opcode === 'CMP_SWAP'
              ? { id, opcode: 'CMP_SWAP', addr: f.addr, compare: f.compare, swap: f.swap }
              : this.opcode === 'WRITE_WITH_IMM'
                ? { id, opcode: 'WRITE_WITH_IMM', addr: f.addr, value: f.value, imm: id }
                : { id, opcode: 'WRITE', addr: f.addr, value: f.value };
    b.workload.push({ kind: 'post', wr });
  }
  toString = () => `Post(${this.opcode},${JSON.stringify(this.fields)})`;
}

/** Posts a RECV on B. */
class Recv implements Cmd {
  check = () => true;
  run(_m: Model, b: Builder): void {
    b.workload.push({ kind: 'recv', wr: { id: ++b.recvs } });
  }
  toString = () => 'Recv';
}

/** The receiver waits for `expect` in a word, then writes `value` there (a generic reuse). */
class Reuse implements Cmd {
  constructor(
    readonly addr: number,
    readonly expect: number,
    readonly value: number,
  ) {}
  check = () => true;
  run(_m: Model, b: Builder): void {
    b.workload.push({ kind: 'reuse', addr: this.addr, expect: this.expect, value: this.value });
  }
  toString = () => `Reuse(${this.addr},${this.expect},${this.value})`;
}

/** A third-party operation on B's memory once the last WR executed. */
class Third implements Cmd {
  constructor(
    readonly op: 'WRITE' | 'FETCH_ADD' | 'CMP_SWAP',
    readonly addr: number,
    readonly a: number,
    readonly c: number,
  ) {}
  check = (m: Readonly<Model>) => m.posted > 0;
  run(_m: Model, b: Builder): void {
    const after: Anchor = { on: 'execute', wr: b.lastWr };
    const args =
      this.op === 'WRITE'
        ? { value: this.a }
        : this.op === 'FETCH_ADD'
          ? { add: this.a }
          : { compare: this.a, swap: this.c };
    b.workload.push({ kind: 'third', op: this.op, addr: this.addr, ...args, after });
  }
  toString = () => `Third(${this.op},${this.addr},${this.a},${this.c})`;
}

/** A fault of any kind, on the WR posted just before. */
class Inject implements Cmd {
  constructor(
    readonly f: {
      kind: Fault['kind'];
      path: number;
      on: 'post' | 'send' | 'execute' | 'deliver';
      count: number | 'all';
      host: 'A' | 'B';
      reverse: boolean;
      heal?: number;
      delayNs: number;
    },
  ) {}
  check = (m: Readonly<Model>) => m.posted > 0;
  run(_m: Model, b: Builder): void {
    b.faults.push(faultOf(this.f, b.lastWr));
  }
  toString = () => `Inject(${JSON.stringify(this.f)})`;
}

/** The fault an Inject command's fields describe, on WR `wr`; every kind of FAULT_KINDS has its case. */
function faultOf(f: Inject['f'], wr: number): Fault {
  const after: Anchor = { on: f.on, wr };
  switch (f.kind) {
    case 'drop-request':
    case 'drop-response':
      return { kind: f.kind, path: f.path, wr, count: f.count };
    case 'delay':
      return {
        kind: 'delay',
        direction: f.reverse ? 'response' : 'request',
        delayNs: f.delayNs,
        path: f.path,
        wr,
        count: f.count,
      };
    case 'link-down':
      return {
        kind: 'link-down',
        path: f.path,
        direction: f.reverse ? 'b-to-a' : 'both',
        after,
        ...(f.heal ? { upAfterNs: f.heal } : {}),
      };
    case 'nic-death':
      return { kind: 'nic-death', host: f.host, path: f.path, after, ...(f.heal ? { reviveAfterNs: f.heal } : {}) };
    case 'qp-error':
      return { kind: 'qp-error', host: f.host, path: f.path, after };
    case 'corrupt-wqe':
      return { kind: 'corrupt-wqe', path: f.path, wr };
    case 'control-loss':
      return { kind: 'control-loss', after, ...(f.heal ? { restoreAfterNs: f.heal } : {}) };
    case 'pause':
      // The host's layer stops for the drawn length (it was a control-loss here until the
      // shipping models joined the hunts: FAULT_KINDS lists pause, and nothing mapped it).
      return { kind: 'pause', host: f.host, after, durationNs: f.delayNs };
  }
}

/** The commands arbitrary for the op classes posted (one, or a mixed workload's several). */
function commandsOf(opcodes: readonly Opcode[]): fc.Arbitrary<Iterable<Cmd>> {
  const small = fc.integer({ min: 0, max: 3 });
  const fields = fc.record({
    addr: fc.integer({ min: 0, max: 2 }),
    value: fc.integer({ min: 1, max: 9 }),
    add: fc.integer({ min: 1, max: 5 }),
    compare: small,
    swap: small,
  });
  // One op class: no opcode draw, so that a single-class hunt draws what it always drew.
  const post =
    opcodes.length === 1
      ? fields.map((f) => new Post(f, opcodes[0]))
      : fc.tuple(fields, fc.constantFrom(...opcodes)).map(([f, op]) => new Post(f, op));
  const inject = fc
    .record({
      kind: fc.constantFrom(...FAULT_KINDS),
      path: fc.integer({ min: 0, max: 1 }),
      on: fc.constantFrom<'post' | 'send' | 'execute' | 'deliver'>('post', 'send', 'execute', 'deliver'),
      count: fc.oneof(fc.constant<'all'>('all'), fc.integer({ min: 1, max: 3 })),
      host: fc.constantFrom<'A' | 'B'>('A', 'B'),
      reverse: fc.boolean(),
      heal: fc.option(fc.integer({ min: 10_000, max: 1_000_000 }), { nil: undefined }),
      delayNs: fc.integer({ min: 1_000, max: 400_000 }),
    })
    .map((f) => new Inject(f));
  return fc.commands(
    [
      post,
      fc.constant(null).map(() => new Recv()),
      fc
        .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 10, max: 19 }))
        .map(([a, e, v]) => new Reuse(a, e, v)),
      fc
        .tuple(
          fc.constantFrom<'WRITE' | 'FETCH_ADD' | 'CMP_SWAP'>('WRITE', 'FETCH_ADD', 'CMP_SWAP'),
          fc.integer({ min: 0, max: 2 }),
          small,
          small,
        )
        .map(([o, a, x, y]) => new Third(o, a, x, y)),
      inject,
    ],
    { maxCommands: 10 },
  );
}

/** Fabric settings drawn for a layer that declares none. */
const drawnConfig: fc.Arbitrary<Partial<SimConfig>> = fc.record({
  paths: fc.constant(2),
  retryCnt: fc.integer({ min: 0, max: 3 }),
  timeout: fc.integer({ min: 1, max: 6 }),
  rnrRetry: fc.integer({ min: 0, max: 3 }),
  maxEvents: fc.constant(20_000),
});

/**
 * The fabric settings of a hunt: the layer's own (FailoverLayer.config: the QP attributes and
 * timers a shipping stack runs with, which a user testing that stack would set too), else drawn.
 */
function configOf(layer: FailoverLayer): fc.Arbitrary<Partial<SimConfig>> {
  return layer.config === undefined
    ? drawnConfig
    : fc.constant<Partial<SimConfig>>({ paths: 2, maxEvents: 20_000, ...layer.config });
}

/** The op classes a hunt posts: its own, or for 'mixed' every class the layer carries. */
function opcodesOf(bug: Bug): readonly Opcode[] {
  return bug.opcode === 'mixed' ? carriedOpcodes(bug.layer) : [bug.opcode];
}

/** The scenario a command sequence builds. */
function build(config: Partial<SimConfig>, cmds: Iterable<Cmd>): Scenario {
  const b: Builder = { workload: [], faults: [], lastWr: 0, recvs: 0 };
  fc.modelRun(() => ({ model: { posted: 0 }, real: b }), cmds);
  return { config, workload: b.workload, faults: b.faults };
}

/**
 * The scenarios the baseline draws for `bug`, in the order its hunt draws them (the same
 * arbitraries under fc.check; bench/draws.ts measures how many of them fail).
 */
export function baselineScenarios(bug: Bug): fc.Arbitrary<Scenario> {
  return fc.tuple(configOf(bug.layer), commandsOf(opcodesOf(bug))).map(([config, cmds]) => build(config, cmds));
}

/** The baseline's hunt for one bug: fast-check finds, fast-check shrinks, `budget` runs at most. */
export async function huntWithBaseline(bug: Bug, seed: number, budget: number): Promise<Hunt> {
  const adapter = sim();
  let runs = 0;
  let runsToFailure: number | undefined;
  let foundAt: number | undefined;
  const start = now();
  const details = fc.check(
    fc.property(configOf(bug.layer), commandsOf(opcodesOf(bug)), (config, cmds) => {
      const scenario = build(config, cmds);
      if (runsToFailure === undefined) runs++;
      let violated: boolean;
      try {
        const v = bug.property.check(adapter.runSync!(scenario, bug.layer));
        if (v instanceof Promise) throw new Error('bench baseline: the property is async; use a synchronous one');
        violated = v.status === 'violated';
      } catch (e) {
        if (e instanceof Error && e.message.startsWith('bench baseline')) throw e;
        violated = false; // a scenario the simulator refuses is no failure
      }
      if (violated && runsToFailure === undefined) {
        runsToFailure = runs;
        foundAt = now();
      }
      return !violated;
    }),
    { seed, numRuns: budget },
  );
  const end = now();
  if (!details.failed || !details.counterexample || foundAt === undefined) return { seed, found: false };
  const [config, cmds] = details.counterexample;
  return foundHunt(seed, runsToFailure, { start, foundAt, end }, build(config, cmds), bug);
}
