/**
 * Every counterexample file rdmacheck writes loads back: the writer reads its own YAML with the
 * loader `render` and `replay` use, and refuses (as rdmacheck's own bug) a file that would not.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrace } from '../../src/report/load';
import {
  checkedCounterexampleYAML,
  UnreadableCounterexampleError,
  writeCounterexampleFile,
} from '../../src/report/write-counterexample';
import type { CounterexampleData } from '../../src/core/results';
import { sampleCounterexample } from './sample';
import { sim } from '../../adapters/sim';
import { failStop } from '../../src/layers/failStop';
import type { Scenario } from '../../src/core/scenario';

describe('writing counterexample files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rdmacheck-write-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a counterexample that loads back with the same trace', () => {
    const cx = sampleCounterexample();
    const file = join(dir, 'cx.yaml');
    writeCounterexampleFile(file, cx, { file });
    expect(loadTrace(file).trace).toEqual(JSON.parse(JSON.stringify(cx.trace)));
  });

  it('refuses to write a file its own loader would reject, naming the field, as a bug in rdmacheck', () => {
    const cx = sampleCounterexample();
    // A trace no contract lets through any more (a post on path 1.5): the writer is the last guard.
    const broken: CounterexampleData = {
      ...cx,
      trace: cx.trace.map((e) => (e.kind === 'Post' ? { ...e, path: 1.5 } : e)),
    };
    const file = join(dir, 'broken.yaml');
    expect(() => writeCounterexampleFile(file, broken, { file })).toThrow(UnreadableCounterexampleError);
    expect(() => checkedCounterexampleYAML(broken, file)).toThrow(
      /^rdmacheck: bug in rdmacheck: the counterexample file .*broken\.yaml would not load back, so it was not written \(.*trace\[1\] \(Post\)\.path: expected an integer, got number 1\.5\); please report this/,
    );
    expect(existsSync(file)).toBe(false);
  });

  it('writes a run with a misaligned atomic (a fractional address, answered REM_INV_REQ_ERR): it loads back', () => {
    const scenario: Scenario = {
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'CMP_SWAP', addr: 2.5, compare: 0, swap: 1 } }],
      faults: [],
    };
    const run = sim().runSync!(scenario, failStop);
    const cx = { ...sampleCounterexample(), layer: 'fail-stop', scenario, trace: run.trace, events: [] };
    const file = join(dir, 'misaligned.yaml');
    writeCounterexampleFile(file, cx, { file });
    expect(loadTrace(file).trace.some((e) => e.kind === 'Execute' && e.status === 'REM_INV_REQ_ERR')).toBe(true);
  });

  it('writes exactly the YAML it checked', () => {
    const cx = sampleCounterexample();
    const file = join(dir, 'same.yaml');
    writeCounterexampleFile(file, cx, { file });
    expect(readFileSync(file, 'utf8')).toBe(checkedCounterexampleYAML(cx, file, { file }));
  });
});
