/**
 * Effects a layer performs itself (issue 10, part 5): a responder-side layer that executes the
 * application's WR on its own says whose effect it is with `forWr` (memory operations, reads,
 * and messages it delivers into RECVs), and the properties count what it attributed: an
 * attributed read is the READ's effect, an attributed delivery the message's effect, once. An
 * unattributed one is explained with the call that attributes it.
 */
import { sim } from '../../adapters/sim';
import { properties } from '../../properties';
import { replayRun } from '../../properties/support/replay';
import type { Execution } from '../../src/core/execution';
import type { FailoverLayer } from '../../src/core/layer';
import type { Property, Verdict } from '../../src/core/property';
import type { Fault, Scenario, WorkloadStep } from '../../src/core/scenario';
import type { SendWr, WorkCompletion } from '../../src/core/verbs';
import { controlChannelRpc, createControlChannelRpc } from '../fixtures/layers/controlChannelRpc';

/** Long enough for the fixture's 20 ms give-up. */
const LIVENESS_NS = 50_000_000;

function run(layer: FailoverLayer, workload: WorkloadStep[], faults: Fault[] = []): Execution {
  const scenario: Scenario = { config: { livenessNs: LIVENESS_NS }, workload, faults };
  const ex = sim().runSync!(scenario, layer);
  const misuse = ex.trace.filter((e) => e.kind === 'LayerFault');
  if (misuse.length > 0) throw new Error(`${layer.name} misused the contract: ${JSON.stringify(misuse)}`);
  return ex;
}

const check = (p: Property, ex: Execution) => p.check(ex) as Verdict;
const explanation = (v: Verdict) => (v.status === 'violated' ? v.explanation : `not violated: ${JSON.stringify(v)}`);
const post = (wr: SendWr): WorkloadStep => ({ kind: 'post', wr });
const recv = (id: number): WorkloadStep => ({ kind: 'recv', wr: { id } });

/** The safety properties an attributed effect is counted by. */
const SAFETY = [
  properties.atMostOnce,
  properties.completionFidelity,
  properties.noQueueSliding,
  properties.linearizability,
];

/**
 * The control channel is lost for good from t=4.999us: A's request (sent at 0, arriving at 5us)
 * still gets through, B's answer does not, so A gives up after 20 ms (RETRY_EXC_ERR).
 */
const answerLostForever: Fault = { kind: 'control-loss', after: { on: 'at', atNs: 4_999 } };
/** As answerLostForever, but the channel is back after 3 ms: A's re-send at 4 ms gets through. */
const answerLostOnce: Fault = { ...answerLostForever, restoreAfterNs: 3_000_000 };

describe('attributed reads: memory.read(addr, { forWr }) is the READ taking effect', () => {
  it("a READ served by the responder's layer with forWr holds every safety property", () => {
    const ex = run(controlChannelRpc, [post({ id: 1, opcode: 'READ', addr: 0 })]);
    expect(ex.trace.filter((e) => e.kind === 'MemOp').map((e) => e.kind === 'MemOp' && [e.op, e.forWr])).toEqual([
      ['read', 1],
    ]);
    for (const p of SAFETY) expect([p.name, check(p, ex)]).toEqual([p.name, { status: 'holds' }]);
  });

  it('served without forWr, it "never took effect", and the explanation names the read and the call that attributes it', () => {
    const ex = run(createControlChannelRpc({ attribute: false }), [post({ id: 1, opcode: 'READ', addr: 2 })]);
    expect(explanation(check(properties.completionFidelity, ex))).toMatch(
      /^WR 1 \(READ \[2\]\) was reported SUCCESS at t=[\d.]+us but never took effect at B\. B's layer did memory\.read\(2\) at t=5us without forWr: if that executed this WR, attribute it with env\.memory\.read\(2, \{ forWr: 1 \}\) \(README, "Effects a layer performs itself"\)\.$/,
    );
  });
});

describe('attributed deliveries: env.deliver(wc, { forWr }) is the message landing in the RECV', () => {
  it.each<[string, SendWr]>([
    ['SEND', { id: 1, opcode: 'SEND', value: 11 }],
    ['WRITE_WITH_IMM', { id: 1, opcode: 'WRITE_WITH_IMM', addr: 3, value: 5, imm: 7 }],
  ])("a %s delivered by the responder's layer with forWr holds every safety property", (_op, wr) => {
    const ex = run(controlChannelRpc, [recv(1), recv(2), post(wr)]);
    const delivered = ex.trace.find((e) => e.kind === 'Deliver' && e.host === 'B');
    expect(delivered).toMatchObject({ wc: { wrId: 1, status: 'SUCCESS', opcode: 'RECV' }, forWr: 1 });
    for (const p of SAFETY) expect([p.name, check(p, ex)]).toEqual([p.name, { status: 'holds' }]);
  });

  it("a WRITE_WITH_IMM's attributed write and attributed delivery are one execution, not two", () => {
    const ex = run(controlChannelRpc, [recv(1), post({ id: 1, opcode: 'WRITE_WITH_IMM', addr: 3, value: 5, imm: 7 })]);
    const attributed = ex.trace.filter((e) => (e.kind === 'MemOp' || e.kind === 'Deliver') && e.forWr === 1);
    expect(attributed.map((e) => e.kind)).toEqual(['MemOp', 'Deliver']);
    expect(check(properties.atMostOnce, ex)).toEqual({ status: 'holds' });
  });

  it('delivered without forWr, the SEND "never took effect", and the explanation names the delivery and the call', () => {
    const ex = run(createControlChannelRpc({ attribute: false }), [
      recv(1),
      post({ id: 1, opcode: 'SEND', value: 11 }),
    ]);
    expect(explanation(check(properties.completionFidelity, ex))).toMatch(
      /^WR 1 \(SEND 11\) was reported SUCCESS at t=[\d.]+us but never took effect at B\. B's layer delivered RECV 1 at t=5us without forWr: if that executed this WR, attribute it with env\.deliver\(recvWc, \{ forWr: 1 \}\)/,
    );
  });

  it("a RECV filled without forWr and without any message received into it is explained with the sender's WR to name", () => {
    // A never learns the outcome (its SEND completes RETRY_EXC_ERR, which claims nothing), so the RECV is judged alone.
    const ex = run(
      createControlChannelRpc({ attribute: false }),
      [recv(1), post({ id: 1, opcode: 'SEND', value: 11 })],
      [answerLostForever],
    );
    expect(ex.trace.filter((e) => e.kind === 'Deliver').map((e) => e.kind === 'Deliver' && e.wc.status)).toEqual([
      'SUCCESS',
      'RETRY_EXC_ERR',
    ]);
    expect(explanation(check(properties.completionFidelity, ex))).toMatch(
      /^RECV 1 was reported SUCCESS at t=5us but no message was ever received into it\. If the receiver's layer received this message itself \(over the control channel, or in its own buffers\), it must name the sender's WR: env\.deliver\(recvWc, \{ forWr: 1 \}\)/,
    );
  });
});

describe('an attributed effect counts once: executing it again is caught', () => {
  const noDedupe = createControlChannelRpc({ dedupe: false });

  it("a message the responder's layer delivers twice (the answer was lost, the request re-sent) is two executions and queue sliding", () => {
    const ex = run(noDedupe, [recv(1), recv(2), post({ id: 1, opcode: 'SEND', value: 11 })], [answerLostOnce]);
    expect(explanation(check(properties.atMostOnce, ex))).toMatch(
      /^WR 1 \(SEND 11\) executed twice at B: delivered into RECV 1 by B's layer at t=5us and delivered into RECV 2 by B's layer at t=4ms/,
    );
    expect(explanation(check(properties.noQueueSliding, ex))).toMatch(
      /^WR 1 \(SEND 11\) landed twice at B: in RECV 1 \(delivered by B's layer\) at t=5us and again in RECV 2 \(delivered by B's layer\) at t=4ms/,
    );
  });

  it("a FETCH_ADD the responder's layer executes twice is named in at-most-once and in linearizability", () => {
    const ex = run(noDedupe, [post({ id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 })], [answerLostOnce]);
    expect(explanation(check(properties.atMostOnce, ex))).toMatch(
      /^WR 1 \(FETCH_ADD \[0\] \+1\) executed twice at B: by B's layer \(fetchAdd\) at t=5us and by B's layer \(fetchAdd\) at t=4ms/,
    );
    expect(explanation(check(properties.linearizability, ex))).toMatch(
      /^WR 1 \(FETCH_ADD \[0\] \+1\) executed twice at B \(by B's layer at t=5us and by B's layer at t=4ms\)\. No legal sequential order/,
    );
  });

  it('unattributed, the same double execution is still a linearizability violation, explained with how to attribute', () => {
    const ex = run(
      createControlChannelRpc({ dedupe: false, attribute: false }),
      [post({ id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 })],
      [answerLostOnce],
    );
    expect(check(properties.atMostOnce, ex)).toEqual({ status: 'holds' }); // it cannot see what was not attributed
    expect(explanation(check(properties.linearizability, ex))).toMatch(
      /No legal sequential order explains the history of B\[0\] .* B's layer changed B\[0\] itself 2 times without forWr: if it executed an application WR there, attribute it \(env\.memory\.write\/fetchAdd\/cmpSwap\(\.\.\., \{ forWr: <WR id> \}\)/,
    );
  });
});

describe('an attributed delivery must carry the message it names', () => {
  /** The fixture, with B's layer tampering with the RECV completions it attributes. */
  const tampering = (change: (wc: WorkCompletion, forWr: number) => [WorkCompletion, number]): FailoverLayer => ({
    name: 'control-channel-rpc-tampering',
    transparent: false,
    create: (env) =>
      controlChannelRpc.create({
        ...env,
        deliver: (wc, o) => {
          if (o?.forWr === undefined) return env.deliver(wc, o);
          const [changed, forWr] = change(wc, o.forWr);
          env.deliver(changed, { forWr });
        },
      }),
  });

  it("a payload other than the named SEND's is a lie about the message", () => {
    const ex = run(
      tampering((wc, forWr) => [{ ...wc, value: 99 }, forWr]),
      [recv(1), post({ id: 1, opcode: 'SEND', value: 11 })],
    );
    expect(explanation(check(properties.completionFidelity, ex))).toMatch(
      /^RECV 1 was reported SUCCESS at t=5us with the message of WR 1 \(SEND 11\), but its completion reported payload 99 no imm: the completion lies about the message\.$/,
    );
  });

  it('a WR the peer application never sent is no message at all', () => {
    // A's SEND completes RETRY_EXC_ERR (its answer is lost), so only B's RECV is judged.
    const ex = run(
      tampering((wc) => [wc, 9]),
      [recv(1), post({ id: 1, opcode: 'SEND', value: 11 })],
      [answerLostForever],
    );
    expect(explanation(check(properties.completionFidelity, ex))).toMatch(
      /^RECV 1 was reported SUCCESS at t=5us with the message of WR 9, but the application of A posted no SEND or WRITE_WITH_IMM with that id/,
    );
  });
});

describe('a relay that receives into its own buffers and attributes the delivery', () => {
  /**
   * A sends each SEND as itself with its WR id as payload; B's layer receives it into its own
   * (negative-id) buffer and delivers it into the application's RECV, attributed: the NIC's
   * Execute and the attributed delivery are one execution.
   */
  const relay: FailoverLayer = {
    name: 'attributing-relay',
    create(env) {
      const appRecvs: number[] = [];
      if (env.host === 'B') for (let k = 1; k <= 4; k++) env.postRecv(0, { id: -k });
      return {
        postSend: (wr) => void env.post(0, { ...wr, payload: [wr.id] }),
        postRecv: (wr) => void appRecvs.push(wr.id),
        onCompletion(_path, wc) {
          if (wc.opcode !== 'RECV') return env.deliver(wc);
          const into = appRecvs.shift()!;
          env.deliver({ wrId: into, status: wc.status, opcode: 'RECV', value: wc.value }, { forWr: wc.payload![0] });
        },
      };
    },
  };

  it('holds every safety property: the Execute into its buffer and its attributed delivery count once', () => {
    const ex = run(relay, [
      recv(1),
      recv(2),
      post({ id: 1, opcode: 'SEND', value: 11 }),
      post({ id: 2, opcode: 'SEND', value: 12 }),
    ]);
    expect(ex.trace.filter((e) => e.kind === 'Execute').map((e) => e.kind === 'Execute' && e.wr)).toEqual([1, 2]);
    expect(
      ex.trace.filter((e) => e.kind === 'Deliver' && e.host === 'B').map((e) => e.kind === 'Deliver' && e.forWr),
    ).toEqual([1, 2]);
    for (const p of SAFETY) expect([p.name, check(p, ex)]).toEqual([p.name, { status: 'holds' }]);
  });
});

describe('the observation replay replays attributions', () => {
  it('a replay reproduces the forWr of every delivery and read, and a record that differs only in a forWr is a divergence', () => {
    const ex = run(controlChannelRpc, [
      recv(1),
      post({ id: 1, opcode: 'SEND', value: 11 }),
      post({ id: 2, opcode: 'READ', addr: 0 }),
    ]);
    expect(replayRun(ex, 'low')).toBeUndefined();
    for (const kind of ['Deliver', 'MemOp'] as const) {
      const tampered = structuredClone(ex.trace);
      const attributed = tampered.find((e) => e.kind === kind && e.host === 'B' && e.forWr !== undefined);
      if (!attributed || (attributed.kind !== 'Deliver' && attributed.kind !== 'MemOp'))
        throw new Error(`no attributed ${kind}`);
      attributed.forWr = 99;
      expect(replayRun({ ...ex, trace: tampered }, 'low')).toMatchObject({
        host: 'B',
        recorded: { kind, forWr: 99 },
        replayed: { kind, forWr: attributed.kind === 'Deliver' ? 1 : 2 },
      });
    }
  });
});
