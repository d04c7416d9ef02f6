/** `rdmacheck fabric`: its usage errors are one line; a run prints each program's output and writes a renderable trace. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrace } from '../../src/report/load';
import { cli } from '../cli/io';
import { describeFabric } from './helpers';

describe('rdmacheck fabric: usage errors', () => {
  test.each([
    [['fabric'], 'give one or two programs after --'],
    [['fabric', '--', 'a', ':::', 'b', ':::', 'c'], 'give one or two programs after --'],
    [['fabric', '--', 'ibv_devices', ':::'], 'give one or two programs after --'],
    [['fabric', '--bogus', '--', 'ibv_devices'], "Unknown option '--bogus'"],
  ])('%j is one clear line, exit 2', async (argv, words) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rdmacheck fabric: /);
    expect(lines[0]).toContain(words);
  });

  test('a scenario with a bad fault is refused in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-fabric-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), 'faults:\n  - kind: drop-response\n    host: C\n');
    const run = await cli(['fabric', '--scenario', join(dir, 'bad.yaml'), '--', 'true']);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('faults[0].host');
  });
});

describeFabric('rdmacheck fabric run', ['ibv_devices'])('rdmacheck fabric: a run', () => {
  test('prints the program output by host and writes a trace file that loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-fabric-cli-'));
    const out = join(dir, 'trace.yaml');
    const run = await cli(['fabric', '--trace', out, '--', 'ibv_devices']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\[A\]\s+rdmacheck0\s+[0-9a-f]{16}$/m);
    expect(run.stdout).toMatch(/^\[A\] ibv_devices: exited 0$/m);
    const trace = loadTrace(out);
    expect(trace.adapter).toBe('fabric');
    expect(trace.trace[trace.trace.length - 1].kind).toBe('End');
  });
});
