/**
 * Hostile layers that misuse the LayerEnv contract or break its shape: each is a finding about
 * the layer (a property violated, the LayerFault in its counterexample), never a crash of
 * rdmacheck, and every property is still judged.
 */
import type { LayerEnv } from '../../src/core/layer';
import type { SendWr, WorkCompletion } from '../../src/core/verbs';
import { ALL_PROPERTIES, auditHostile, forwarder, layerFaults, layerOf, violated } from './audit';

const CALLBACKS = ['postSend', 'onCompletion'] as const;

describe('hostile layers: throws, bad instances', () => {
  it('a layer whose create() throws: its host has no layer, WRs never complete (failure-masking)', async () => {
    const a = await auditHostile(
      layerOf('throws-in-create', () => {
        throw new Error('boom');
      }),
    );
    expect(Object.keys(a.cells).sort()).toEqual([...ALL_PROPERTIES].sort());
    expect(violated(a)).toContain('failure-masking');
    expect(layerFaults(a, 'failure-masking')).toContain('create: threw Error: boom');
  });

  it.each(CALLBACKS)(
    'a layer that throws in %s: a LayerFault in the finding, the other properties judged',
    async (cb) => {
      const a = await auditHostile(
        layerOf(`throws-in-${cb}`, (env) => ({
          ...forwarder(env),
          [cb]: () => {
            throw new TypeError(`thrown from ${cb}`);
          },
        })),
      );
      expect(Object.keys(a.cells).sort()).toEqual([...ALL_PROPERTIES].sort());
      expect(violated(a).length).toBeGreaterThan(0);
      const cx = Object.values(a.cells).find((r) => r.counterexample)!.counterexample!;
      expect(cx.trace.some((e) => e.kind === 'LayerFault' && e.during === cb)).toBe(true);
    },
  );

  it.each([
    ['null', null, /returned null/],
    ['a number', 42, /returned number/],
    ['an object without callbacks', { onTimer() {} }, /without postSend, postRecv, onCompletion/],
  ])('create() returning %s is a LayerFault at create, and failure-masking is violated', async (_what, value, why) => {
    const a = await auditHostile(layerOf('bad-instance', () => value));
    expect(violated(a)).toContain('failure-masking');
    expect(layerFaults(a, 'failure-masking').join('\n')).toMatch(why);
  });
});

describe('hostile layers: completions and WRs', () => {
  it('delivers every completion twice: completion-fidelity, with the contract’s LayerFault', async () => {
    const a = await auditHostile(
      layerOf('delivers-twice', (env) => ({
        ...forwarder(env),
        onCompletion: (_p: number, wc: WorkCompletion) => {
          env.deliver(wc);
          env.deliver(wc);
        },
      })),
    );
    expect(violated(a)).toContain('completion-fidelity');
    expect(layerFaults(a, 'completion-fidelity').join('\n')).toMatch(/second completion for WR/);
  });

  it('delivers a completion for a WR nobody posted: a LayerFault, and the real WR is lost', async () => {
    const a = await auditHostile(
      layerOf('delivers-unknown', (env) => ({
        ...forwarder(env),
        onCompletion: (_p: number, wc: WorkCompletion) => env.deliver({ ...wc, wrId: wc.wrId + 1000 }),
      })),
    );
    expect(violated(a)).toEqual(expect.arrayContaining(['completion-fidelity']));
    const faults = Object.values(a.cells).flatMap((r) => (r.counterexample ? layerFaults(a, r.property) : []));
    expect(faults.join('\n')).toMatch(/which the application never posted/);
  });

  it('mutates the WR after posting it: the trace keeps what was posted (the contract copied it)', async () => {
    const a = await auditHostile(
      layerOf('mutates-wr', (env) => ({
        ...forwarder(env),
        postSend: (wr: SendWr) => {
          env.post(0, wr);
          wr.value = 999_999;
          wr.opcode = 'READ';
        },
      })),
    );
    // Exactly the verdicts of the same forwarder that leaves the WR alone (it masks no failure, so
    // failure-masking may fail for both): the mutation changed nothing the fabric saw.
    const plain = await auditHostile(layerOf('forwards', (env) => forwarder(env)));
    expect(violated(a)).toEqual(violated(plain));
    expect(violated(a)).not.toContain('completion-fidelity');
    expect(violated(a)).not.toContain('linearizability');
  });

  it('never delivers anything: failure-masking and completion-fidelity', async () => {
    const a = await auditHostile(layerOf('never-delivers', (env) => ({ ...forwarder(env), onCompletion() {} })));
    expect(violated(a)).toEqual(expect.arrayContaining(['completion-fidelity', 'failure-masking']));
  });
});

describe('hostile layers: control messages and timers', () => {
  const circular = (): unknown => {
    const m: Record<string, unknown> = { kind: 'hello' };
    m.self = m;
    return m;
  };
  it.each([
    ['circular', circular, /plain JSON data/],
    ['huge', () => ({ blob: 'x'.repeat(1_000_000) }), /over the limit of/],
    ['not plain data (a BigInt)', () => ({ n: BigInt(1) }), /plain JSON data/],
    ['not plain data (a function)', () => () => 1, /not JSON data/],
  ])('sends a %s control message: refused with a LayerFault, the run goes on', async (_what, msg, why) => {
    const a = await auditHostile(
      layerOf('bad-control', (env: LayerEnv) => ({
        ...forwarder(env),
        postSend: (wr: SendWr) => {
          env.sendControl(msg());
          env.post(0, wr);
        },
        onCompletion: () => undefined, // so that failure-masking shows the trace with the refusal
      })),
    );
    expect(violated(a)).toContain('failure-masking');
    expect(layerFaults(a, 'failure-masking').join('\n')).toMatch(why);
  });

  it.each([NaN, -5])('calls setTimer(%p): refused with a LayerFault', async (delay) => {
    const a = await auditHostile(
      layerOf('bad-timer', (env: LayerEnv) => ({
        ...forwarder(env),
        postSend: (wr: SendWr) => env.setTimer(delay, `t${wr.id}`),
        onTimer: () => undefined,
      })),
    );
    expect(violated(a)).toContain('failure-masking');
    expect(layerFaults(a, 'failure-masking').join('\n')).toMatch(/setTimer needs a delay >= 0 ns/);
  });
});
