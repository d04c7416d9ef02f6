/**
 * isObservation and isDecision are switches (the checker's hot path); they must say exactly what
 * the kind lists say, for every kind of event a trace holds.
 */
import { sim } from '../../adapters/sim';
import { DECISION_KINDS, OBSERVATION_KINDS, isDecision, isObservation } from '../../src/core/trace';
import type { TraceEvent } from '../../src/core/trace';
import { layers } from '../../src/layers';

const event = (kind: string) => ({ kind }) as TraceEvent;

describe('event roles', () => {
  it('every listed observation kind is an observation and no decision, and the other way round', () => {
    for (const kind of Object.keys(OBSERVATION_KINDS)) {
      expect(isObservation(event(kind))).toBe(true);
      expect(isDecision(event(kind))).toBe(false);
    }
    for (const kind of Object.keys(DECISION_KINDS)) {
      expect(isDecision(event(kind))).toBe(true);
      expect(isObservation(event(kind))).toBe(false);
    }
  });

  it("the fabric's own events (and unknown kinds) are neither", () => {
    const trace = sim().runSync!(
      {
        workload: [{ kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 5 } }],
        faults: [{ kind: 'drop-request', path: 0, nth: 1 }],
      },
      layers.shift,
    ).trace;
    const kinds = new Set(trace.map((e) => e.kind));
    const fabric = [...kinds].filter((k) => !(k in OBSERVATION_KINDS) && !(k in DECISION_KINDS));
    expect(fabric.length).toBeGreaterThan(0);
    for (const kind of [...fabric, 'NoSuchKind']) {
      expect(isObservation(event(kind))).toBe(false);
      expect(isDecision(event(kind))).toBe(false);
    }
  });
});
