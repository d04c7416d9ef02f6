import { properties } from '../../properties';
import { checkLayer } from '../../src/check/checkLayer';
import type { Counterexample, Report } from '../../src/core/results';
import { counterexampleToYAML } from '../../src/report/codec';
import { CounterexampleRecord, makeCounterexample, rewrapReport } from '../../src/report/counterexample';
import { parseTrace } from '../../src/report/load';
import { renderMermaid } from '../../src/report/mermaid';
import { renderText } from '../../src/report/text';
import { resendOnError } from '../properties/canaries';

/** The fields a checker's counterexample carries, besides the always-present ones. */
const OPTIONAL_FIELDS = ['generator', 'verdict', 'config', 'toolVersion', 'opcode'];

describe('a counterexample is plain data: its own fields are data, its methods sit on the prototype', () => {
  let report: Report;
  let cx: Counterexample;
  beforeAll(async () => {
    report = await checkLayer(resendOnError, {
      numRuns: 50,
      opcodes: ['FETCH_ADD'],
      properties: [properties.atMostOnce],
    });
    cx = report.results.find((r) => r.opcode === 'FETCH_ADD')!.counterexample!;
  });

  test('the checker fills every field, so the round trips below compare something', () => {
    expect(cx).toBeInstanceOf(CounterexampleRecord);
    for (const field of OPTIONAL_FIELDS) expect(Object.keys(cx)).toContain(field);
    expect(cx.trace.length).toBeGreaterThan(0);
  });

  test('no own field is a function; toYAML, toText and toMermaid come from the prototype', () => {
    expect(Object.values(cx).filter((v) => typeof v === 'function')).toEqual([]);
    expect(Object.getOwnPropertyNames(cx)).not.toContain('toYAML');
    const proto = Object.getPrototypeOf(cx) as object;
    for (const method of ['toYAML', 'toText', 'toMermaid'])
      expect(Object.prototype.hasOwnProperty.call(proto, method)).toBe(true);
  });

  test('the methods render the data with the exported functions', () => {
    expect(cx.toYAML()).toBe(counterexampleToYAML(cx));
    expect(cx.toText()).toBe(renderText(cx));
    expect(cx.toMermaid()).toBe(renderMermaid(cx));
  });

  test('JSON.parse(JSON.stringify(c)) is deep-equal data, key for key', () => {
    const back = JSON.parse(JSON.stringify(cx)) as object;
    expect(Object.keys(back)).toEqual(Object.keys(cx));
    expect(back).toEqual({ ...cx });
  });

  test('structuredClone(c) is deep-equal data (the prototype stays behind, as a worker sees it)', () => {
    const clone = structuredClone(cx);
    expect(Object.keys(clone)).toEqual(Object.keys(cx));
    expect(clone).toEqual({ ...cx });
    expect((clone as Partial<Counterexample>).toYAML).toBeUndefined();
  });

  test('the YAML round trip gives deep-equal data (plus where the file came from)', () => {
    const { file, formatVersion, ...back } = parseTrace(cx.toYAML());
    expect([file, formatVersion]).toEqual(['<string>', 1]);
    expect(back).toEqual({ ...cx });
  });

  test('makeCounterexample gives cloned data its methods back, rendering byte for byte the same', () => {
    const again = makeCounterexample(structuredClone(cx));
    expect(again).toBeInstanceOf(CounterexampleRecord);
    expect({ ...again }).toEqual({ ...cx });
    expect([again.toYAML(), again.toText(), again.toMermaid()]).toEqual([cx.toYAML(), cx.toText(), cx.toMermaid()]);
  });

  test('a whole report crosses a structured clone as it is, and rewrapReport restores the methods', () => {
    const clone = structuredClone(report);
    expect(clone).toEqual(JSON.parse(JSON.stringify(report)));
    const rewrapped = rewrapReport(clone);
    const again = rewrapped.results.find((r) => r.opcode === 'FETCH_ADD')!.counterexample!;
    expect(again.toYAML()).toBe(cx.toYAML());
    expect(rewrapped.results.map((r) => r.status)).toEqual(report.results.map((r) => r.status));
  });
});
