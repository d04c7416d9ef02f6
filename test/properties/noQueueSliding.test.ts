import { properties } from '../../properties';
import type { Verdict } from '../../src/core/property';
import { ackLostForever, honest, post, recv, resendOnError, run } from './canaries';

const send = (id: number) => ({ id, opcode: 'SEND' as const, value: 100 + id });

describe('no-queue-sliding', () => {
  it("catches the paper's queue sliding: M1's ACK is lost, its retry consumes the buffer meant for M2", () => {
    const r = run(
      {
        workload: [recv(1), recv(2), recv(3), post(send(1)), post(send(2), { on: 'deliver', wr: 1 })],
        faults: [ackLostForever(1)],
      },
      resendOnError,
    );
    const v = properties.noQueueSliding.check(r) as Verdict;
    expect(v.status).toBe('violated');
    if (v.status !== 'violated') return;
    expect(v.explanation).toMatch(
      /WR 1 \(SEND 101\) landed twice at B: in RECV 1 via path 0 .* and again in RECV \d via path 1/,
    );
    expect(v.explanation).toMatch(/Queue sliding/);
    expect(v.events.filter((i) => r.trace[i].kind === 'RecvConsumed')).toHaveLength(2);
  });

  it('holds when every message lands once, in order', () => {
    const r = run({ workload: [recv(1), recv(2), post(send(1)), post(send(2))], faults: [] }, honest);
    expect(properties.noQueueSliding.check(r)).toEqual({ status: 'holds' });
  });

  it('holds for a correct layer under a lost ACK (the transport retransmission is a PSN duplicate, no RECV consumed)', () => {
    const r = run(
      {
        workload: [recv(1), recv(2), post(send(1)), post(send(2))],
        faults: [{ kind: 'drop-response', path: 0, wr: 1, count: 1 }],
      },
      honest,
    );
    expect(properties.noQueueSliding.check(r)).toEqual({ status: 'holds' });
  });

  it('catches a message landing out of order: the 1st delivered message is not in the 1st RECV', () => {
    // A layer that posts the application's RECVs in reverse order on path 0.
    const reverse = {
      name: 'canary-reversed-recvs',
      create(env: import('../../src/core/layer').LayerEnv) {
        const held: number[] = [];
        return {
          postSend: (wr: import('../../src/core/verbs').SendWr) => void env.post(0, wr),
          postRecv: (wr: { id: number }) => {
            held.push(wr.id);
            if (held.length === 2) for (const id of held.reverse()) env.postRecv(0, { id });
          },
          onCompletion: (_p: number, wc: import('../../src/core/verbs').WorkCompletion) => env.deliver(wc),
        };
      },
    };
    const r = run({ workload: [recv(1), recv(2), post(send(1)), post(send(2))], faults: [] }, reverse);
    const v = properties.noQueueSliding.check(r) as Verdict;
    expect(v.status).toBe('violated');
    if (v.status === 'violated')
      expect(v.explanation).toMatch(/WR 1 \(SEND 101\) is delivered message #1 but landed in RECV 2 instead of RECV 1/);
  });
});
