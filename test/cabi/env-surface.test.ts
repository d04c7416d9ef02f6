/**
 * Every entry of the C env table does what the same call of a TypeScript layer does: the C probe
 * (fixtures/probe.c) and its TypeScript twin below give equal traces. The contract additions of
 * this round (issue 10: reset PSNs, moveToError, forWr attribution) are wired on the C side; where
 * the running rdmacheck lacks one, the test says so and compares what exists.
 */
import { sim } from '../../adapters/sim';
import { encodeControl, loadNativeLayer } from '../../adapters/clayer';
import type { FailoverLayer, LayerEnv } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import type { TraceEvent } from '../../src/core/trace';
import { describeWithCLayers } from './helpers';

type Loose = (...args: unknown[]) => unknown;

/** The probe in TypeScript, call for call. */
const twin: FailoverLayer = {
  name: 'probe',
  transparent: false,
  create(env: LayerEnv) {
    let recv = -1;
    if (env.host === 'A') env.setTimer(1000, 'tick');
    return {
      postSend: (wr) => void env.post(0, wr),
      postRecv: (wr) => {
        if (recv < 0) recv = wr.id;
        else env.postRecv(0, wr);
      },
      onCompletion: (_path, wc) => env.deliver(wc),
      onTimer(token) {
        const m = env.memory;
        if (token === 'tick') {
          m.write(1, env.now());
          const old = m.fetchAdd(2, 3);
          m.cmpSwap(2, old + 3, 9);
          m.write(3, m.read(2));
          env.sendControl(encodeControl(Uint8Array.from([0x68, 0x69, 0, 0xff, 0x21])));
          env.reset(0);
          return;
        }
        const o = { forWr: 1 };
        (env.reset as Loose)(0, { sqPsn: 5, rqPsn: 6 });
        (env.deliver as Loose)({ wrId: recv, status: 'SUCCESS', opcode: 'RECV', value: 77 }, o);
        m.write(0, 5, o);
        (m.read as Loose)(0, o);
        m.fetchAdd(0, 1, o);
        m.cmpSwap(0, 6, 8, o);
        (env as LayerEnv & { moveToError(p: number): void }).moveToError(1);
      },
      onControl(msg) {
        const bytes = Buffer.from((msg as { hex: string }).hex, 'hex');
        env.memory.write(4, bytes.length);
        env.memory.write(5, bytes.length > 3 ? bytes[3] : -1);
        env.setTimer(500, 'v2');
      },
    };
  },
};

const scenario: Scenario = {
  config: { paths: 2 },
  workload: [
    { kind: 'recv', wr: { id: 1 } },
    { kind: 'recv', wr: { id: 2 } },
    { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 4 } },
  ],
  faults: [],
};

/** Contract additions the running rdmacheck records, judged from the twin's own trace. */
function additions(trace: TraceEvent[]): { name: string; present: boolean }[] {
  // Without the index and the time, so that a 5 found is the PSN's.
  const text = trace.map(({ i: _i, t: _t, ...rest }) => JSON.stringify(rest));
  return [
    {
      name: 'LayerEnv.reset PSNs (issue 10)',
      present: text.some((t) => t.includes('"kind":"Reset"') && t.includes(':5')),
    },
    {
      name: 'deliver forWr (issue 10)',
      present: text.some((t) => t.includes('"kind":"Deliver"') && t.includes('forWr')),
    },
    {
      name: 'memory.read forWr (issue 10)',
      present: text.some((t) => t.includes('"op":"read"') && t.includes('forWr')),
    },
    {
      name: 'LayerEnv.moveToError (issue 10)',
      present: !text.some((t) => t.includes('moveToError is not a function')),
    },
  ];
}

describeWithCLayers('the C env table', (libs) => {
  it('declares its op classes and transparency from the descriptor', () => {
    const layer = loadNativeLayer(libs().probe);
    expect({ transparent: layer.transparent, opcodes: layer.opcodes }).toEqual({
      transparent: false,
      opcodes: ['WRITE', 'SEND'],
    });
    layer.close();
  });

  it('records what the TypeScript twin records: timers, now, memory, control bytes, resets, deliveries', () => {
    const layer = loadNativeLayer(libs().probe);
    const fromC = sim().runSync!(scenario, layer).trace;
    const fromTs = sim().runSync!(scenario, twin).trace;
    layer.close();
    // Control bytes are readable in the trace: hex and a printable preview.
    expect(fromC.find((e) => e.kind === 'SendControl')).toMatchObject({ msg: { hex: '686900ff21', text: 'hi..!' } });
    expect(fromC.find((e) => e.kind === 'MemOp' && e.addr === 5 && e.op === 'write')).toMatchObject({ value: 0xff });
    // The contract additions of this round (reset PSNs, moveToError, deliver and read forWr) are
    // all in the TypeScript LayerEnv now: the ABI is frozen at version 1 with them, whole-trace equal.
    expect(
      additions(fromTs)
        .filter((a) => !a.present)
        .map((a) => a.name),
    ).toEqual([]);
    expect(JSON.stringify(fromC)).toBe(JSON.stringify(fromTs));
  });
});
