import { counterexampleToYAML } from '../../src/report/codec';
import { makeCounterexample } from '../../src/report/counterexample';
import { parseTrace } from '../../src/report/load';
import { sampleCounterexample } from './sample';

describe('trace files (rdmacheck: 1)', () => {
  test('a counterexample round-trips through YAML: every field and every event comes back equal', () => {
    const cx = sampleCounterexample();
    const back = parseTrace(counterexampleToYAML(cx));
    expect(back.property).toBe(cx.property);
    expect(back.explanation).toBe(cx.explanation);
    expect(back.events).toEqual(cx.events);
    expect(back.layer).toBe(cx.layer);
    expect(back.adapter).toBe(cx.adapter);
    expect(back.seed).toBe(cx.seed);
    expect(back.path).toBe(cx.path);
    expect(back.scenario).toEqual(cx.scenario);
    expect(back.trace).toEqual(cx.trace);
    expect(back.verdict).toEqual({ status: 'violated', explanation: cx.explanation, events: cx.events });
  });

  test('writing is deterministic and idempotent: same data, same bytes, also after a round trip', () => {
    const yaml = counterexampleToYAML(sampleCounterexample());
    expect(counterexampleToYAML(sampleCounterexample())).toBe(yaml);
    expect(parseTrace(yaml).toYAML()).toBe(yaml);
  });

  test('the file is versioned and self-contained: version, tool, config resolved with defaults', () => {
    const yaml = counterexampleToYAML(sampleCounterexample());
    expect(yaml).toMatch(/^rdmacheck: 1$/m);
    expect(yaml).toMatch(/^tool: rdmacheck \d+\.\d+\.\d+/m);
    const back = parseTrace(yaml);
    expect(back.config?.retryCnt).toBe(0); // from the scenario
    expect(back.config?.wireDelayNs).toBe(1000); // from the defaults
  });

  test('each trace event is one line, so event k is easy to find and files diff well', () => {
    const cx = sampleCounterexample();
    const lines = counterexampleToYAML(cx).split('\n');
    const start = lines.indexOf('trace:');
    for (const e of cx.trace)
      expect(lines[start + 1 + e.i]).toMatch(new RegExp(`^  - \\{ i: ${e.i}, t: ${e.t}, kind: ${e.kind},`));
  });

  test('the header comment names the replay command with the file name', () => {
    expect(counterexampleToYAML(sampleCounterexample(), { file: 'out/at-most-once.yaml' })).toContain(
      '# replay: npx rdmacheck replay out/at-most-once.yaml',
    );
  });

  test('strings that look like YAML syntax or numbers survive (control messages, reasons, paths)', () => {
    const cx = sampleCounterexample();
    cx.path = '0';
    cx.explanation = 'colon: hash # quote " apostrophe \' yes null 1.5 <b>&amp;</b>';
    cx.trace.splice(19, 0, {
      i: 19,
      t: 67536,
      kind: 'ControlLost',
      host: 'A',
      msg: { type: 'no', n: '007', nested: [null, true, 'a: b'] },
    });
    cx.trace[20] = { ...cx.trace[20], i: 20 };
    const back = parseTrace(counterexampleToYAML(cx));
    expect(back.path).toBe('0');
    expect(back.explanation).toBe(cx.explanation);
    expect(back.trace[19]).toEqual(cx.trace[19]);
  });

  test('makeCounterexample adds toYAML/toText/toMermaid without changing the data it serializes', () => {
    const cx = makeCounterexample(sampleCounterexample());
    expect(cx.toYAML()).toBe(counterexampleToYAML(sampleCounterexample()));
    expect(cx.toText()).toContain('at-most-once violated');
    expect(cx.toMermaid()).toMatch(/^sequenceDiagram/);
    expect(Object.keys(JSON.parse(JSON.stringify(cx)))).not.toContain('toYAML');
  });
});
