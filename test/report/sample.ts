/**
 * A hand-built counterexample for renderer and codec tests: the paper's T2 under a layer that
 * re-posts on the backup path. WR 1 writes 7 into B's word 3; B's app consumes and reuses the
 * word (9); the ACK is lost, the layer re-posts WR 1 on path 1 and overwrites 9 with the stale 7.
 */
import type { CounterexampleData } from '../../src/core/results';
import type { Scenario } from '../../src/core/scenario';
import type { Trace } from '../../src/core/trace';

const scenario: Scenario = {
  config: { paths: 2, retryCnt: 0 },
  workload: [
    { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 3, value: 7 } },
    { kind: 'reuse', addr: 3, expect: 7, value: 9 },
  ],
  faults: [{ kind: 'drop-response', path: 0, wr: 1 }],
};

const trace: Trace = [
  { i: 0, t: 0, kind: 'AppPostSend', host: 'A', obs: 'A', wr: { id: 1, opcode: 'WRITE', addr: 3, value: 7 } },
  { i: 1, t: 0, kind: 'Post', host: 'A', path: 0, wr: { id: 1, opcode: 'WRITE', addr: 3, value: 7 }, ok: true },
  { i: 2, t: 0, kind: 'Send', host: 'A', path: 0, wr: 1, op: 'WRITE', psn: 0, retransmit: false },
  { i: 3, t: 1000, kind: 'Receive', host: 'B', path: 0, from: 'A', wr: 1, op: 'WRITE', psn: 0, duplicate: false },
  {
    i: 4,
    t: 1000,
    kind: 'Execute',
    host: 'B',
    path: 0,
    from: 'A',
    wr: 1,
    op: 'WRITE',
    psn: 0,
    addr: 3,
    value: 7,
    old: 0,
    status: 'SUCCESS',
  },
  { i: 5, t: 1000, kind: 'Fault', host: 'net', fault: 0, phase: 'begin', what: 'drop response of wr 1 on path 0' },
  { i: 6, t: 1000, kind: 'AckLost', host: 'net', path: 0, wr: 1, psn: 0, reason: 'fault #0' },
  { i: 7, t: 1200, kind: 'AppConsume', host: 'B', addr: 3, value: 7 },
  { i: 8, t: 1200, kind: 'AppReuse', host: 'B', addr: 3, value: 9 },
  { i: 9, t: 65536, kind: 'Timeout', host: 'A', path: 0, wr: 1, psn: 0, retriesLeft: 0 },
  { i: 10, t: 65536, kind: 'QpState', host: 'A', path: 0, from: 'RTS', to: 'ERR', reason: 'retry exceeded' },
  {
    i: 11,
    t: 65536,
    kind: 'Completion',
    host: 'A',
    obs: 'A',
    path: 0,
    wc: { wrId: 1, status: 'RETRY_EXC_ERR', opcode: 'WRITE' },
  },
  { i: 12, t: 65536, kind: 'Post', host: 'A', path: 1, wr: { id: 1, opcode: 'WRITE', addr: 3, value: 7 }, ok: true },
  { i: 13, t: 65536, kind: 'Send', host: 'A', path: 1, wr: 1, op: 'WRITE', psn: 0, retransmit: false },
  { i: 14, t: 66536, kind: 'Receive', host: 'B', path: 1, from: 'A', wr: 1, op: 'WRITE', psn: 0, duplicate: false },
  {
    i: 15,
    t: 66536,
    kind: 'Execute',
    host: 'B',
    path: 1,
    from: 'A',
    wr: 1,
    op: 'WRITE',
    psn: 0,
    addr: 3,
    value: 7,
    old: 9,
    status: 'SUCCESS',
  },
  { i: 16, t: 67536, kind: 'Ack', host: 'A', path: 1, wr: 1, psn: 0 },
  {
    i: 17,
    t: 67536,
    kind: 'Completion',
    host: 'A',
    obs: 'A',
    path: 1,
    wc: { wrId: 1, status: 'SUCCESS', opcode: 'WRITE' },
  },
  { i: 18, t: 67536, kind: 'Deliver', host: 'A', wc: { wrId: 1, status: 'SUCCESS', opcode: 'WRITE' } },
  {
    i: 19,
    t: 67536,
    kind: 'End',
    host: 'net',
    reason: 'quiescent',
    memory: { A: new Array(16).fill(0), B: [0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
  },
];

/** T2 under resend-all: WR 1 executed twice (events 4 and 15), the second overwriting the reuse. */
export function sampleCounterexample(): CounterexampleData {
  return {
    property: 'at-most-once',
    explanation:
      'WR 1 (WRITE [3] := 7) took effect twice: on path 0 (event 4) and again on path 1 (event 15), after the receiver reused the word (event 8).',
    events: [4, 8, 15],
    layer: 'resend-all',
    adapter: 'sim',
    seed: 42,
    path: '0:1',
    scenario: JSON.parse(JSON.stringify(scenario)) as Scenario,
    trace: JSON.parse(JSON.stringify(trace)) as Trace,
  };
}
