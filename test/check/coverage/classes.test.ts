/**
 * The coverage classes, each against a run built to exercise it and a fault-free run that must
 * not: a class that counted every run (or none) would make the coverage table meaningless.
 */
import { COVERAGE_CLASSES, COVERAGE_CLASS_NAMES, coverageOf } from '../../../src/check/coverage/classes';
import type { FailoverLayer } from '../../../src/core/layer';
import type { Scenario } from '../../../src/core/scenario';
import type { Trace, TraceEvent } from '../../../src/core/trace';
import { layers } from '../../../src/layers';
import { run } from '../../layers/helpers';
import fc from 'fast-check';
import { sim } from '../../../adapters/sim';
import { opClassArbitrary } from '../../../src/check/checkLayer';
import { resolveCheckOptions } from '../../../src/check/options';

const classesOf = (layer: FailoverLayer, scenario: Partial<Scenario>) => coverageOf(run(layer, scenario).trace);

const write = { kind: 'post' as const, wr: { id: 1, opcode: 'WRITE' as const, addr: 0, value: 5 } };
const fadd = { kind: 'post' as const, wr: { id: 1, opcode: 'FETCH_ADD' as const, addr: 0, add: 1 } };
const send = { kind: 'post' as const, wr: { id: 1, opcode: 'SEND' as const, value: 7 } };

describe('coverage classes', () => {
  it('are named once each, in kebab-case, with a description', () => {
    expect(new Set(COVERAGE_CLASS_NAMES).size).toBe(COVERAGE_CLASSES.length);
    for (const c of COVERAGE_CLASSES) {
      expect(c.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.description.length).toBeGreaterThan(10);
    }
  });

  it('a fault-free WRITE exercises none of them', () => {
    expect(classesOf(layers.failStop, { workload: [write] })).toEqual([]);
  });

  it('a lost request: request-lost-before-execution, and the transport retransmits it (no duplicate)', () => {
    const got = classesOf(layers.failStop, { workload: [write], faults: [{ kind: 'drop-request', wr: 1 }] });
    expect(got).toEqual(['request-lost-before-execution']);
  });

  it('a lost ACK of a FETCH_ADD: response lost after execution, PSN duplicate, answered from the atomic cache', () => {
    const got = classesOf(layers.failStop, { workload: [fadd], faults: [{ kind: 'drop-response', wr: 1 }] });
    expect(got).toEqual(['response-lost-after-execution', 'psn-duplicate', 'atomic-from-cache']);
  });

  it('a dead primary under resend-all: retry exhausted, flushed, failover performed', () => {
    const got = classesOf(layers.resendAll, {
      workload: [write],
      faults: [{ kind: 'drop-request', path: 0, count: 'all' }],
    });
    expect(got).toEqual(expect.arrayContaining(['retry-exhausted', 'failover-performed']));
    expect(got).not.toContain('response-lost-after-execution');
  });

  it('a local NIC death raises port-err', () => {
    const got = classesOf(layers.failStop, {
      workload: [write],
      faults: [{ kind: 'nic-death', host: 'A', path: 0, after: { on: 'start' } }],
    });
    expect(got).toContain('port-err');
  });

  it('a SEND before its RECV is posted: rnr-nak', () => {
    const got = classesOf(layers.failStop, {
      workload: [send, { kind: 'recv', wr: { id: 1 }, after: { on: 'send', wr: 1, nth: 2 } }],
    });
    expect(got).toContain('rnr-nak');
  });

  it('an ACK lost after a WRITE, then the receiver reuses the word: ack-lost-then-memory-reused', () => {
    const got = classesOf(layers.failStop, {
      workload: [write, { kind: 'reuse', addr: 0, expect: 5, value: 11 }],
      faults: [{ kind: 'drop-response', wr: 1 }],
    });
    expect(got).toContain('ack-lost-then-memory-reused');
  });

  it('a third party swapping a CAS back: third-party-aba', () => {
    const cas = { kind: 'post' as const, wr: { id: 1, opcode: 'CMP_SWAP' as const, addr: 0, compare: 0, swap: 3 } };
    const undo = {
      kind: 'third' as const,
      op: 'CMP_SWAP' as const,
      addr: 0,
      compare: 3,
      swap: 0,
      after: { on: 'execute' as const, wr: 1 },
    };
    expect(classesOf(layers.failStop, { workload: [cas, undo] })).toContain('third-party-aba');
    // The same third party doing something else is no ABA.
    expect(classesOf(layers.failStop, { workload: [cas, { ...undo, swap: 9 }] })).not.toContain('third-party-aba');
  });

  it('a timer of the layer fires: layer-timer-fired (timer-hedge sets one per WR)', () => {
    expect(
      classesOf(layers.timerHedge, {
        workload: [write],
        faults: [{ kind: 'delay', direction: 'response', delayNs: 400_000 }],
      }),
    ).toContain('layer-timer-fired');
  });

  it('a control message sent while the management network is down: control-channel-loss', () => {
    // No reference layer uses the control channel; a two-line layer that does stands in.
    const chatty: FailoverLayer = {
      name: 'chatty',
      create: (env) => ({
        postSend: (wr) => {
          env.sendControl({ posted: wr.id });
          env.post(0, wr);
        },
        postRecv: () => undefined,
        onCompletion: (_path, wc) => env.deliver(wc),
      }),
    };
    expect(classesOf(chatty, { workload: [write] })).not.toContain('control-channel-loss');
    const got = classesOf(chatty, { workload: [write], faults: [{ kind: 'control-loss', after: { on: 'start' } }] });
    expect(got).toContain('control-channel-loss');
  });

  it("coverageOf's shortcut (a class whose needed event kinds are absent is not scanned) changes no answer", () => {
    // Over generated runs of several layers and op classes, with rare situations among them.
    let exercised = 0;
    for (const name of ['completionLog', 'shift', 'resendAll', 'failStop'] as const) {
      const layer = layers[name];
      const o = resolveCheckOptions(layer, {});
      for (const opcode of ['WRITE', 'SEND', 'FETCH_ADD', 'READ'] as const) {
        for (const s of fc.sample(opClassArbitrary(opcode, o), { seed: 9, numRuns: 40 })) {
          const trace = sim().runSync!(s, layer).trace;
          const scanned = COVERAGE_CLASSES.filter((c) => c.exercised(trace)).map((c) => c.name);
          expect(coverageOf(trace)).toEqual(scanned);
          for (const c of COVERAGE_CLASSES)
            if (c.exercised(trace)) expect(c.needs?.some((k) => trace.some((e) => e.kind === k)) ?? true).toBe(true);
          exercised += scanned.length;
        }
      }
    }
    expect(exercised).toBeGreaterThan(0);
  });

  it("failover-performed keyed per host by number means what its definition says: a WR's 'host/id' first seen on another path", () => {
    const definition = (trace: Trace): boolean => {
      const firstPath = new Map<string, number>();
      for (const e of trace) {
        if (e.kind !== 'Post' || !e.ok || e.wr.id <= 0) continue;
        const first = firstPath.get(`${e.host}/${e.wr.id}`);
        if (first === undefined) firstPath.set(`${e.host}/${e.wr.id}`, e.path);
        else if (first !== e.path) return true;
      }
      return false;
    };
    const failover = COVERAGE_CLASSES.find((c) => c.name === 'failover-performed')!;
    const answers = new Set<boolean>();
    for (const s of fc.sample(opClassArbitrary('WRITE', resolveCheckOptions(layers.shift, {})), {
      seed: 3,
      numRuns: 150,
    })) {
      const trace = sim().runSync!(s, layers.shift).trace;
      expect(failover.exercised(trace)).toBe(definition(trace));
      answers.add(definition(trace));
    }
    expect([...answers].sort()).toEqual([false, true]);
    // A trace from elsewhere may carry ids of another type: "1" and 1 are the same WR by the definition.
    const post = (id: unknown, path: number) =>
      ({
        kind: 'Post',
        host: 'A',
        path,
        ok: true,
        wr: { id, opcode: 'WRITE', addr: 0 },
        i: path,
        t: 0,
      }) as unknown as TraceEvent;
    expect(failover.exercised([post(1, 0), post('1', 1)])).toBe(true);
    expect(failover.exercised([post(1, 0), post(2, 1)])).toBe(false);
    // Any host name is a key, even one an object inherits ("toString"), and hosts do not share WRs.
    const on = (host: string, id: unknown, path: number) => ({ ...post(id, path), host }) as unknown as TraceEvent;
    expect(failover.exercised([on('toString', 1, 0), on('toString', 1, 1)])).toBe(true);
    expect(failover.exercised([on('A', 1, 0), on('C', 1, 1)])).toBe(false);
  });
});
