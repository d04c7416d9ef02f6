/**
 * The simulator's env, the native host's env and the observation replay's env are one contract
 * on three transports: the same misuse gets the same answer and the same LayerFault everywhere,
 * so sender-view-determinism never reports a difference that is the env's and not the layer's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Simulator, sim } from '../../adapters/sim';
import { makeEnv } from '../../adapters/native/env';
import type { EnvRuntime } from '../../adapters/native/env';
import { replayRun } from '../../properties/support/replay';
import type { FailoverLayer, LayerEnv } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import type { TraceEvent } from '../../src/core/trace';
import type { SendWr, WorkCompletion } from '../../src/core/verbs';

/** Every kind of misuse, once each; returns what the env answered (posts' results, memory reads). */
function misuse(env: LayerEnv): unknown[] {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const wr: SendWr = { id: 1, opcode: 'WRITE', addr: 0, value: 1 };
  return [
    env.post(7, wr),
    env.post(0, { ...wr, id: 0.5 }),
    env.post(0, { ...wr, id: 999 }),
    env.post(0, { ...wr, opcode: 'NOPE' } as unknown as SendWr),
    env.postRecv(-1, { id: -1 }),
    env.postRecv(0, { id: 888 }),
    env.reset(2),
    env.reset(0, { sqPsn: 2 ** 24 }),
    env.reset(0, { rqPsn: -1 }),
    env.reset(0, 'psn' as unknown as { sqPsn: number }),
    env.moveToError(9),
    env.deliver(null as unknown as WorkCompletion),
    env.deliver({ wrId: 1, status: 'OK', opcode: 'WRITE' } as unknown as WorkCompletion),
    env.deliver({ wrId: 777, status: 'SUCCESS', opcode: 'WRITE' }),
    env.setTimer(NaN, 't'),
    env.setTimer(1, 2 as unknown as string),
    env.sendControl(cyclic),
    env.sendControl(1n),
    env.memory.read(99),
    env.memory.read(0, { forWr: 0.5 }),
    env.memory.write(0, 0.5),
    env.memory.fetchAdd(0, 1, { forWr: 1.5 }),
    env.memory.cmpSwap(-1, 0, 0),
  ];
}

/** The misuse record of a trace: refused posts and LayerFaults, without index and time. */
function misuseRecord(events: readonly Partial<TraceEvent>[]): unknown[] {
  return events
    .filter((e) => e.kind === 'LayerFault' || ((e.kind === 'Post' || e.kind === 'PostRecv') && !e.ok))
    .map(({ i: _i, t: _t, ...rest }) => rest);
}

/** A native env on a runtime with no NIC behind it: every post the fabric would take, it takes. */
function nativeEnv(): { env: LayerEnv; events: Partial<TraceEvent>[] } {
  const events: Partial<TraceEvent>[] = [];
  const words = new Array<number>(16).fill(0);
  const ends = [0, 1].map(() => ({ state: 'RTS' }));
  const rt = {
    host: 'A',
    options: { config: { memoryWords: 16 }, sink: { control: () => undefined } },
    paths: {
      ends,
      allocToken: () => ({}),
      postToken: () => undefined,
      resetPath: () => undefined,
      forceError: () => undefined,
    },
    hooks: {},
    handlerT: undefined,
    now: () => 0,
    record: (e: Partial<TraceEvent>) => void events.push(e),
    layerFault: (during: string, reason: string) => void events.push({ kind: 'LayerFault', host: 'A', during, reason }),
    callLayer: () => undefined,
    chargeLayer: () => undefined,
    later: () => undefined,
    scanMemory: () => undefined,
    word: (addr: number) => words[addr],
    setWord: (addr: number, value: number) => void (words[addr] = value),
  } as unknown as EnvRuntime;
  return { env: makeEnv(rt).env, events };
}

describe('one LayerEnv contract on every transport', () => {
  it('the simulator and the native host answer the same misuse alike and record the same LayerFaults', () => {
    const s = new Simulator(
      { workload: [], faults: [] },
      { name: 'unused', create: () => ({ postSend() {}, postRecv() {}, onCompletion() {} }) },
    );
    const native = nativeEnv();
    const simAnswers = misuse(s.envs.A.env);
    const nativeAnswers = misuse(native.env);
    expect(nativeAnswers).toEqual(simAnswers);
    const simRecord = misuseRecord(s.trace);
    expect(misuseRecord(native.events)).toEqual(simRecord);
    // Each call of misuse() breaks one rule: one LayerFault each.
    expect(simRecord.filter((e) => (e as TraceEvent).kind === 'LayerFault')).toHaveLength(simAnswers.length);
  });

  /** A layer that misuses the env when the application posts, and sends everything it was answered to its peer. */
  const echo: FailoverLayer = {
    name: 'misuse-echo',
    create(env) {
      return {
        postSend(wr) {
          env.sendControl({ answers: misuse(env) });
          env.sendControl({ onErrQp: env.post(0, wr) });
        },
        postRecv: (wr) => void env.postRecv(0, wr),
        onCompletion: (_p, wc) => env.deliver(wc),
      };
    },
  };
  // Path 0 of A goes to ERR at once and posts to a QP in ERR are refused: a refusal of the fabric.
  const scenario: Scenario = {
    config: { postToErrQp: 'reject' },
    workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } }],
    faults: [{ kind: 'qp-error', host: 'A', path: 0, after: { on: 'start' } }],
  };

  it('the observation replay answers the layer exactly as the simulator did, misuse and the fabric refusals included', () => {
    const run = sim().runSync!(scenario, echo);
    const controls = run.trace.filter((e) => e.kind === 'SendControl');
    expect(controls.map((e) => e.kind === 'SendControl' && e.msg)).toEqual([
      JSON.parse(JSON.stringify({ answers: misuse(nativeEnv().env) })), // as the management network carries it
      { onErrQp: { ok: false, error: 'QP 0 is in ERR' } },
    ]);
    expect(replayRun(run, 'low')).toBeUndefined();
    expect(replayRun(run, 'high')).toBeUndefined();
  });

  it('a replay that answered differently would be caught: a tampered refusal text in the record is a divergence', () => {
    const run = sim().runSync!(scenario, echo);
    const tampered = structuredClone(run.trace);
    const control = tampered.find((e) => e.kind === 'SendControl' && JSON.stringify(e.msg).includes('does not exist'));
    if (!control || control.kind !== 'SendControl') throw new Error('the echo of the refusals is missing');
    control.msg = JSON.parse(JSON.stringify(control.msg).replace('does not exist', 'is unknown'));
    expect(replayRun({ ...run, trace: tampered }, 'low')).toMatchObject({
      host: 'A',
      recorded: { kind: 'SendControl' },
      replayed: { kind: 'SendControl' },
    });
  });

  it('no transport re-implements a rule: the refusal texts are written in src/core/env/rules.ts only', () => {
    const root = path.join(__dirname, '../..');
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(path.join(root, dir), { withFileTypes: true })
        .flatMap((d) =>
          d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
        );
    // (A scenario's path is checked by scenario validation, with its own words: not listed here.)
    const texts = [
      'is not an application',
      "is outside this host's memory",
      'setTimer needs a delay',
      'control messages must be',
      'which the application never posted',
      'a second completion',
      'is not a safe integer',
      'PSNs are 24-bit',
    ];
    const files = ['src', 'adapters', 'properties'].flatMap(sources);
    expect(files.length).toBeGreaterThan(50);
    const writers = files.filter((f) => texts.some((t) => fs.readFileSync(path.join(root, f), 'utf8').includes(t)));
    expect(writers).toEqual([path.join('src', 'core', 'env', 'rules.ts')]);
  });
});
