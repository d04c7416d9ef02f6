/**
 * The in-process mode (the addon dlopen()s the library into rdmacheck) gives the same traces as
 * the isolated mode; and the CLI audits a library path like any layer.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sim } from '../../adapters/sim';
import { clayerAddonPath, loadNativeLayer } from '../../adapters/clayer';
import { layers } from '../../src/layers';
import { scenarioArbitrary } from '../../src/check';
import fc from 'fast-check';
import { cli } from '../cli/io';
import { describeWithCLayers } from './helpers';

describeWithCLayers('C layers in-process and from the CLI', (libs) => {
  const addonBuilt = fs.existsSync(clayerAddonPath());
  if (!addonBuilt) {
    console.log(`test/cabi in-process: skipped: the addon ${clayerAddonPath()} is not built (npm run build:clayer)`);
  }
  (addonBuilt ? it : it.skip)('in-process and isolated runs of resend-all give the TypeScript traces', () => {
    const inProcess = loadNativeLayer(libs().resendAll, { isolation: 'in-process' });
    const isolated = loadNativeLayer(libs().resendAll);
    const scenarios = fc.sample(scenarioArbitrary({ maxFaults: 2 }), { numRuns: 40, seed: 5 });
    for (const scenario of scenarios) {
      const expected = JSON.stringify(sim().runSync!(scenario, layers.resendAll).trace);
      expect(JSON.stringify(sim().runSync!(scenario, inProcess).trace)).toBe(expected);
      expect(JSON.stringify(sim().runSync!(scenario, isolated).trace)).toBe(expected);
    }
    isolated.close();
    inProcess.close();
  });

  it('rdmacheck audit ./libfail_stop.so: the matrix of fail-stop, exit 1, replayable files', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-cabi-audit-'));
    const run = await cli(['audit', libs().failStop, '--runs', '15', '--opcodes', 'WRITE,READ', '--out', out]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('fail-stop');
    const written = fs.readdirSync(out).filter((f) => f.endsWith('.yaml'));
    expect(written.some((f) => f.includes('failure-masking'))).toBe(true);
    const replayed = await cli(['replay', path.join(out, written[0]), '--layer', libs().failStop]);
    expect(replayed.stdout + replayed.stderr).toMatch(/still fails/i);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
