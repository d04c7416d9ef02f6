/**
 * Hostile input: every file of the malformed corpus (test/fixtures/malformed) and a 100 MB file
 * get one clear line naming file:line:col, exit code 2 from `render` and `replay`, in bounded
 * time and memory.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrace, MAX_TRACE_FILE_BYTES, TraceFileError } from '../../src/report/load';
import { EXPECTED_ERRORS } from '../fixtures/malformed/expected-errors';
import { cli } from '../cli/io';

const CORPUS = join(__dirname, '..', 'fixtures', 'malformed');
/** Generous for a 2-core machine shared with other jobs; each case takes milliseconds. */
const TIME_LIMIT_MS = 10_000;

/** The error loadTrace throws for `file`, and how long it took. */
function loadError(file: string): { error: unknown; ms: number } {
  const start = Date.now();
  try {
    loadTrace(file);
  } catch (error) {
    return { error, ms: Date.now() - start };
  }
  throw new Error(`loadTrace accepted the malformed file ${file}`);
}

test('every corpus file has its expected error, and every expected error its file', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.yaml'));
  expect(files.sort()).toEqual(Object.keys(EXPECTED_ERRORS).sort());
});

describe.each(Object.entries(EXPECTED_ERRORS))('%s', (name, expected) => {
  const file = join(CORPUS, name);

  test(`loadTrace: one line at ${expected.at} saying "${expected.says}", in bounded time`, () => {
    const { error, ms } = loadError(file);
    expect(error).toBeInstanceOf(TraceFileError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith(`loadTrace: ${file}:${expected.at}: `)).toBe(true);
    expect(message).toContain(expected.says);
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
  });

  test.each(['render', 'replay'])('rdmacheck %s: exit 2, one line on stderr, nothing on stdout', async (command) => {
    const run = await cli([command, file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`${file}:${expected.at}: `);
  });
});

describe('a 100 MB file (generated here, never committed)', () => {
  let dir: string;
  let big: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rdmacheck-big-'));
    big = join(dir, 'huge.yaml');
    // A plausible start, then a trace that goes on for 100 MB: refused by size, never parsed.
    const fd = openSync(big, 'w');
    writeSync(fd, 'rdmacheck: 1\ntrace:\n');
    const line = '  - { i: 0, t: 0, kind: Fault, host: net, fault: 0, phase: begin, what: link 0 down }\n';
    const chunk = line.repeat(Math.ceil((1024 * 1024) / line.length));
    for (let k = 0; k < 100; k++) writeSync(fd, chunk);
    closeSync(fd);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('refused before reading: one line naming the size limit, fast, without growing the heap', () => {
    expect(MAX_TRACE_FILE_BYTES).toBeLessThan(100 * 1024 * 1024);
    const heapBefore = process.memoryUsage().heapUsed;
    const { error, ms } = loadError(big);
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect((error as Error).message).toMatch(
      new RegExp(`^loadTrace: .*huge\\.yaml:1:1: the file is \\d+ bytes, more than a trace file can be`),
    );
    expect(ms).toBeLessThan(1_000);
    expect(grown).toBeLessThan(10 * 1024 * 1024);
  });

  test('rdmacheck replay: exit 2, one line', async () => {
    const run = await cli(['replay', big]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
