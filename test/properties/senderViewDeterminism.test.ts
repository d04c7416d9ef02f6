import { properties } from '../../properties';
import { twinScenario } from '../../properties/support/twin';
import type { Verdict } from '../../src/core/property';
import type { Scenario } from '../../src/core/scenario';
import {
  ackLostForever,
  honest,
  post,
  randomPath,
  receivedSetCheat,
  recv,
  requestLostForever,
  resendOnError,
  run,
  sharedStateCheat,
  thrower,
  wallClockPath,
} from './canaries';

const check = async (r: ReturnType<typeof run>) => (await properties.senderViewDeterminism.check(r)) as Verdict;
const writes: Scenario = {
  workload: [
    post({ id: 1, opcode: 'WRITE', addr: 0, value: 5 }),
    post({ id: 2, opcode: 'WRITE', addr: 1, value: 6 }),
    post({ id: 3, opcode: 'WRITE', addr: 2, value: 7 }),
  ],
  faults: [],
};

describe('sender-view-determinism', () => {
  it('replays a layer that keeps state in its own layer memory (layerMemoryWords): no false divergence', async () => {
    // docs/simulator.md "Layer memory": the words after memoryWords belong to the layer; the
    // replay's env must reach them as the run's did, or every write to them reads as a decision
    // the fresh instance did not make.
    const memoryKeeper: typeof honest = {
      name: 'layer-memory-keeper',
      create(env) {
        const word = (env.memoryWords ?? 16) + 3;
        env.memory.write(word, 7);
        return {
          postSend: (wr) => {
            env.memory.write(word, env.memory.read(word) + 1);
            env.post(0, wr);
          },
          postRecv: (wr) => void env.postRecv(0, wr),
          onCompletion: (_path, wc) => env.deliver(wc),
        };
      },
    };
    const v = await check(run({ ...writes, config: { layerMemoryWords: 8 } }, memoryKeeper));
    expect(v.status).toBe('holds');
  });

  it('catches a layer that calls Math.random (the replay decides differently)', async () => {
    const v = await check(run(writes, randomPath));
    expect(v.status).toBe('violated');
    if (v.status === 'violated') {
      expect(v.explanation).toMatch(/^Replaying A's recorded observations into a fresh instance changed its decisions/);
      expect(v.explanation).toMatch(/It called Math\.random\(\) x\d+ during the replay/);
    }
  });

  it('catches a layer that reads the wall clock', async () => {
    const v = await check(run(writes, wallClockPath));
    expect(v.status === 'violated' && v.explanation).toMatch(/Date\.now\(\)/);
  });

  it('catches a layer whose A instance peeks at B through module-level state (the twin decides differently)', async () => {
    const r = run(
      { workload: [post({ id: 1, opcode: 'WRITE', addr: 0, value: 5 })], faults: [requestLostForever(1)] },
      sharedStateCheat,
    );
    const v = await check(r);
    expect(v.status).toBe('violated');
    if (v.status === 'violated') {
      expect(v.explanation).toMatch(/^A's layer saw exactly the same observations .* in this run and in its twin/);
      expect(v.explanation).toMatch(/decided Post WR 1 \(WRITE\) on path 1 here and Deliver WR 1 SUCCESS in the twin/);
    }
  });

  it('catches a layer that shares a set of received messages between its instances', async () => {
    // The original loses the request (B never sees the message, A re-posts it). The set outlives
    // the run, so the replay's fresh A already "knows" and pretends SUCCESS instead: caught by the
    // replay, before the twin (where the ACK is lost and the set tells A the same) is needed.
    const r = run(
      { workload: [recv(1), recv(2), post({ id: 1, opcode: 'SEND', value: 4242 })], faults: [requestLostForever(1)] },
      receivedSetCheat,
    );
    const v = await check(r);
    expect(v.status === 'violated' && v.explanation).toMatch(
      /decided Deliver WR 1 SUCCESS instead of the recorded Post WR 1 \(SEND\) on path 1.*state kept outside the instance/,
    );
  });

  it('holds for a transparent layer: same observations, same decisions (the Theorem 1 pair)', async () => {
    for (const f of [ackLostForever(1), requestLostForever(1)]) {
      const r = run({ workload: [post({ id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 })], faults: [f] }, resendOnError);
      expect(await check(r)).toEqual({ status: 'holds' });
    }
    expect(await check(run(writes, honest))).toEqual({ status: 'holds' });
  });

  it('builds the twin by swapping what the sender cannot see, and nothing else', () => {
    const s: Scenario = {
      workload: [],
      faults: [
        ackLostForever(1),
        { kind: 'link-down', path: 0, direction: 'a-to-b', after: { on: 'start' } },
        { kind: 'nic-death', host: 'B', path: 1, after: { on: 'start' } },
      ],
    };
    expect(twinScenario(s)!.faults).toEqual([
      requestLostForever(1),
      { kind: 'link-down', path: 0, direction: 'b-to-a', after: { on: 'start' } },
      s.faults[2],
    ]);
    expect(twinScenario({ workload: [], faults: [] })).toBeUndefined();
  });

  it('judges a layer that throws like the simulator does: the throws are not decisions', async () => {
    expect(await check(run(writes, thrower))).toEqual({ status: 'holds' });
  });

  it('restores Math.random and Date.now after the replay', async () => {
    const random = Math.random;
    const now = Date.now;
    await check(run(writes, randomPath));
    expect(Math.random).toBe(random);
    expect(Date.now).toBe(now);
  });
});
