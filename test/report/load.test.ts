import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counterexampleToYAML } from '../../src/report/codec';
import { loadTrace, parseTrace, TraceFileError } from '../../src/report/load';
import { sampleCounterexample } from './sample';

/** The error parseTrace throws for `text` (fails the test if it does not throw). */
function errorOf(text: string): TraceFileError {
  try {
    parseTrace(text, { file: 'bad.yaml', api: 'loadTrace' });
  } catch (e) {
    if (e instanceof TraceFileError) return e;
    throw e;
  }
  throw new Error('expected parseTrace to throw');
}

const good = () => counterexampleToYAML(sampleCounterexample());

/** Line number (1-based) of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('loadTrace validation: every complaint names file, line, column and what was expected', () => {
  test('a well-formed file loads from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-load-'));
    const file = join(dir, 'cx.yaml');
    writeFileSync(file, good());
    const cx = loadTrace(file);
    expect(cx.property).toBe('at-most-once');
    expect(cx.file).toBe(file);
    expect(cx.formatVersion).toBe(1);
  });

  test('a missing file says so with its name', () => {
    expect(() => loadTrace('/nonexistent/cx.yaml')).toThrow(
      'loadTrace: cannot read /nonexistent/cx.yaml: no such file',
    );
  });

  test('broken YAML syntax is reported at its line and column', () => {
    const text = good().replace('witness: [ 4, 8, 15 ]', 'witness: [ 4, 8, 15');
    const e = errorOf(text);
    expect(e.message).toMatch(/^loadTrace: bad\.yaml:\d+:\d+: not valid YAML: /);
    expect(e.line).toBeGreaterThanOrEqual(lineOf(text, 'witness:'));
  });

  test('an unknown version says which versions are supported', () => {
    const e = errorOf(good().replace(/^rdmacheck: 1$/m, 'rdmacheck: 7'));
    expect(e.message).toMatch(/bad\.yaml:\d+:12: trace format version 7 is not supported .*\(supported versions: 1\)/);
  });

  test('a file without the version field is not taken for a trace file', () => {
    const e = errorOf('property: x\n');
    expect(e.message).toContain('rdmacheck: expected the format version');
  });

  test('a mistyped field names its path, line, column, the expectation and what it got', () => {
    const text = good().replace('{ i: 9, t: 65536, kind: Timeout', '{ i: 9, t: soon, kind: Timeout');
    const e = errorOf(text);
    expect(e.line).toBe(lineOf(text, 't: soon'));
    expect(e.col).toBe(text.split('\n')[e.line - 1].indexOf('soon') + 1);
    expect(e.message).toContain('trace[9] (Timeout).t: expected a number >= 0, got string "soon"');
  });

  test('an unknown event kind lists the known ones', () => {
    const e = errorOf(good().replace('kind: AckLost', 'kind: AckMislaid'));
    expect(e.message).toMatch(/trace\[6\]\.kind: expected one of AppPostSend, .*AckLost.*, got string "AckMislaid"/);
  });

  test('a missing required field is reported at its parent map', () => {
    const text = good().replace(
      '{ i: 4, t: 1000, kind: Execute, host: B, path: 0, from: A, wr: 1,',
      '{ i: 4, t: 1000, kind: Execute, host: B, path: 0, from: A,',
    );
    const e = errorOf(text);
    expect(e.line).toBe(lineOf(text, 'i: 4,'));
    expect(e.message).toContain('trace[4] (Execute).wr: expected an integer, got nothing (the field is missing)');
  });

  test('events must be numbered by position, because replay compares event k with event k', () => {
    const e = errorOf(good().replace('{ i: 3, t: 1000', '{ i: 30, t: 1000'));
    expect(e.message).toContain('trace[3].i: expected 3 (events are numbered by position), got number 30');
  });

  test('scenario steps and faults are validated by kind', () => {
    expect(errorOf(good().replace('kind: drop-response, path: 0', 'kind: drop-response, path: -1')).message).toContain(
      'scenario.faults[0] (drop-response).path: expected an integer >= 0, got number -1',
    );
    expect(
      errorOf(good().replace('opcode: WRITE, addr: 3, value: 7 } }', 'opcode: WRTIE, addr: 3, value: 7 } }')).message,
    ).toContain(
      'scenario.workload[0] (post).wr.opcode: expected one of WRITE, READ, SEND, FETCH_ADD, CMP_SWAP, WRITE_WITH_IMM',
    );
  });

  test("a Deliver's forWr (an attributed message) is optional: files without it load, with it it is kept, and it must be an integer", () => {
    const deliver = 'kind: Deliver, host: A, wc: { wrId: 1, status: SUCCESS, opcode: WRITE } }';
    expect(good()).toContain(deliver);
    expect(parseTrace(good(), { file: 'old.yaml', api: 'loadTrace' }).trace[18]).not.toHaveProperty('forWr');
    const attributed = good().replace(deliver, deliver.replace(/ }$/, ', forWr: 3 }'));
    expect(parseTrace(attributed, { file: 'new.yaml', api: 'loadTrace' }).trace[18]).toMatchObject({ forWr: 3 });
    expect(errorOf(good().replace(deliver, deliver.replace(/ }$/, ', forWr: 1.5 }'))).message).toContain(
      'trace[18] (Deliver).forWr: expected an integer, got number 1.5',
    );
  });

  test('duplicate keys are rejected rather than silently resolved', () => {
    const e = errorOf(good().replace('seed: 42', 'seed: 42\nseed: 43'));
    expect(e.message).toMatch(/not valid YAML: Map keys must be unique/);
  });
});
