/** `--liveness D`: the liveness budget of every run, from the command line (audit and replay). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { durationOption } from '../../src/cli/args';
import { loadTrace } from '../../src/report/load';
import { cli } from './io';

const layer = join(__dirname, 'fixtures', 'slow-rpc.ts');
const audit = ['audit', layer, '--opcodes', 'WRITE', '--properties', 'completion-fidelity', '--runs', '20'];

describe('--liveness', () => {
  test.each([
    ['50ms', 50_000_000],
    ['2s', 2_000_000_000],
    ['500us', 500_000],
    ['1000ns', 1_000],
    ['1.5ms', 1_500_000],
    ['0.25s', 250_000_000],
  ])('reads %s as %d ns', (raw, ns) => {
    expect(durationOption('audit', 'liveness', raw)).toBe(ns);
  });

  test.each(['5', '50 ms', 'ms', '-1ms', '0ms', '1.5ns', '2h', '1e3ms', '99999999999s'])(
    'refuses %j in one line that names the flag and the accepted form (exit 2)',
    async (raw) => {
      const run = await cli([...audit, `--liveness=${raw}`]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        `rdmacheck audit: --liveness must be a duration, a number and a unit (ns, us, ms or s), e.g. 50ms, 2s, 500us, 1000ns; got "${raw}"`,
      ]);
    },
  );

  test('the audit gives a layer whose WRs take 6 ms the time it needs: violated at the default 5ms, holds with --liveness 50ms', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rdmacheck-liveness-'));
    const tight = await cli([...audit, '--out', out]);
    expect(tight.code).toBe(1);
    expect(tight.stdout).toMatch(/never completed.*5ms after the last fault or application step.*--liveness/);
    const file = join(out, 'test-slow-rpc.completion-fidelity.WRITE.yaml');
    expect(loadTrace(file).scenario.config?.livenessNs).toBe(5_000_000);

    const roomy = await cli([...audit, '--liveness', '50ms']);
    expect(roomy.code).toBe(0);

    // One counterexample, re-run with more time: the layer completes the WR.
    const replayed = await cli(['replay', file, '--layer', layer, '--liveness', '50ms']);
    expect(replayed.stdout).toMatch(/^now passes: completion-fidelity holds for test-slow-rpc/);
    expect(replayed.code).toBe(0);
    const bad = await cli(['replay', file, '--liveness', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^rdmacheck replay: --liveness must be a duration/);
  });
});
