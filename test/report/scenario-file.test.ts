/**
 * Scenario files: a hand-written Scenario with a version field and no trace. Every complaint is
 * one line: file:line:col, the field, and what to write instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../src/core/scenario';
import { loadScenario, parseScenario } from '../../src/report/scenario-file';
import { TraceFileError } from '../../src/report/schema';

const root = join(__dirname, '../..');

/** The error parseScenario throws on `text`. */
function errorOf(text: string): TraceFileError {
  try {
    parseScenario(text, { file: 'incident.yaml', api: 'loadScenario' });
  } catch (e) {
    if (e instanceof TraceFileError) return e;
    throw e;
  }
  throw new Error('expected the file to be refused');
}

const header = 'rdmacheck-scenario: 1\nscenario:\n';
const onePost = '  workload:\n    - { kind: post, wr: { id: 1, opcode: FETCH_ADD, addr: 0, add: 1 } }\n';

describe('reading scenario files', () => {
  test('a scenario file gives its scenario and description', () => {
    const loaded = parseScenario(`${header}${onePost}  faults: []\ndescription: one increment\n`);
    expect(loaded.source).toBe('scenario');
    expect(loaded.description).toBe('one increment');
    expect(loaded.scenario).toEqual({
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } }],
      faults: [],
    });
  });

  test('a counterexample file is read as the scenario it holds, with its layer', () => {
    const loaded = loadScenario(join(root, 'test/fixtures/resend-all.at-most-once.FETCH_ADD.yaml'));
    expect(loaded.source).toBe('counterexample');
    expect(loaded.counterexample?.layer).toBe('resend-all');
    expect(loaded.scenario).toEqual(loaded.counterexample?.scenario);
  });

  test.each(['test/fixtures/scenarios/twelve-steps.scenario.yaml', 'examples/bug-report/incident.scenario.yaml'])(
    '%s is a valid scenario file',
    (file) => {
      expect(loadScenario(join(root, file)).scenario.workload.length).toBeGreaterThan(0);
    },
  );

  test('every setting of the fabric config is accepted (strict reading must not refuse a real field), and documented', () => {
    const config = Object.entries(DEFAULT_CONFIG)
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
      .join(', ');
    const loaded = parseScenario(`${header}  config: { ${config} }\n${onePost}  faults: []\n`);
    expect(loaded.scenario.config).toEqual(DEFAULT_CONFIG);
    const doc = readFileSync(join(root, 'docs/scenario-format.md'), 'utf8');
    expect(Object.keys(DEFAULT_CONFIG).filter((key) => !doc.includes(`\`${key}\``))).toEqual([]);
  });

  test("docs/scenario-format.md's worked example is a valid scenario file", () => {
    const doc = readFileSync(join(root, 'docs/scenario-format.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toContain('rdmacheck-scenario: 1');
    expect(parseScenario(example!).scenario.faults.length).toBeGreaterThan(0);
  });
});

describe('malformed scenario files: one line, located, naming the field and the fix', () => {
  test.each([
    ['YAML syntax', 'scenario: [\n', /^loadScenario: incident\.yaml:2:1: not valid YAML: /],
    [
      'no version field',
      `scenario:\n${onePost}  faults: []\n`,
      /^loadScenario: incident\.yaml:1:1: rdmacheck-scenario: expected the format version \(rdmacheck-scenario: 1\)/,
    ],
    [
      'an unknown version',
      `rdmacheck-scenario: 7\nscenario:\n${onePost}  faults: []\n`,
      /^loadScenario: incident\.yaml:1:21: rdmacheck-scenario: expected 1 \(the only scenario-file version/,
    ],
    [
      'a misspelt opcode',
      `${header}  workload:\n    - { kind: post, wr: { id: 1, opcode: FETCH_AD, addr: 0 } }\n  faults: []\n`,
      /^loadScenario: incident\.yaml:4:42: scenario\.workload\[0\] \(post\)\.wr\.opcode: expected one of WRITE, .*got string "FETCH_AD"$/,
    ],
    [
      'a misspelt optional field (refused, not ignored)',
      `${header}${onePost}  faults:\n    - { kind: nic-death, host: B, path: 0, after: { on: start }, reviveAfterNS: 5 }\n`,
      /^loadScenario: incident\.yaml:6:66: scenario\.faults\[0\] \(nic-death\)\.reviveAfterNS: unknown field; expected one of kind, host, path, after, reviveAfterNs$/,
    ],
    [
      'a path that does not exist (found by validateScenario, located in the file)',
      `${header}${onePost}  faults:\n    - { kind: nic-death, host: B, path: 3, after: { on: start } }\n`,
      /^loadScenario: incident\.yaml:6:41: scenario\.faults\[0\]\.path: path 3 does not exist \(paths are 0\.\.1\)$/,
    ],
    [
      'a WR id posted twice',
      `${header}${onePost}${onePost.replace('  workload:\n', '')}  faults: []\n`,
      /^loadScenario: incident\.yaml:5:.*scenario\.workload\[1\]\.wr\.id: WR 1 is posted twice on host A/,
    ],
    [
      'a missing scenario',
      'rdmacheck-scenario: 1\n',
      /^loadScenario: incident\.yaml:1:1: scenario: expected a map, got nothing/,
    ],
  ])('%s', (_what, text, message) => {
    const e = errorOf(text);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  test('a file that does not exist', () => {
    expect(() => loadScenario(join(root, 'no-such.scenario.yaml'))).toThrow(
      /^loadScenario: cannot read .*: no such file$/,
    );
  });
});
