/**
 * The layer host (dispatcher, protocol, supervisor) and the example layers run clean under
 * valgrind: no invalid access, no uninitialised read, no definite leak (destroy frees every
 * instance at the end of a session). Runs where valgrind is installed; says why it did not
 * otherwise.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { sim } from '../../adapters/sim';
import { layerHostPath, loadNativeLayer } from '../../adapters/clayer';
import { scenarioArbitrary } from '../../src/check';
import { describeWithCLayers } from './helpers';

const hasValgrind = spawnSync('valgrind', ['--version']).status === 0;

/** Waits until every wrapper started has finished (valgrind writes its leak report at exit). */
async function settled(dir: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const count = (prefix: string) => fs.readdirSync(dir).filter((f) => f.startsWith(prefix)).length;
  while (count('done.') < count('start.')) {
    if (Date.now() - started > timeoutMs) throw new Error('valgrind runs did not finish in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describeWithCLayers('the C layer host and examples under valgrind', (libs) => {
  if (!hasValgrind) {
    console.log('test/cabi valgrind: skipped: valgrind is not installed');
  }
  (hasValgrind ? it : it.skip)(
    'resend-all and fail-stop over sampled scenarios: every valgrind log is empty',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-valgrind-'));
      const wrapper = path.join(dir, 'host.sh');
      fs.writeFileSync(
        wrapper,
        `#!/bin/sh\ntouch ${dir}/start.$$\n` +
          `valgrind -q --log-file=${dir}/vg.%p.log --leak-check=full --errors-for-leak-kinds=definite ` +
          `--show-leak-kinds=definite ${layerHostPath()} "$@"\nstatus=$?\ntouch ${dir}/done.$$\nexit $status\n`,
        { mode: 0o755 },
      );
      const previous = process.env.RDMACHECK_LAYER_HOST;
      process.env.RDMACHECK_LAYER_HOST = wrapper;
      try {
        const scenarios = fc.sample(scenarioArbitrary({ maxFaults: 2 }), { numRuns: 15, seed: 9 });
        for (const lib of [libs().resendAll, libs().failStop]) {
          const layer = loadNativeLayer(lib, { callbackBudgetMs: 20_000 });
          for (const scenario of scenarios) sim().runSync!(scenario, layer);
          layer.close();
        }
      } finally {
        if (previous === undefined) delete process.env.RDMACHECK_LAYER_HOST;
        else process.env.RDMACHECK_LAYER_HOST = previous;
      }
      await settled(dir, 90_000);
      const logs = fs.readdirSync(dir).filter((f) => f.startsWith('vg.'));
      expect(logs.length).toBeGreaterThanOrEqual(4);
      const findings = logs.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).filter((text) => text.trim() !== '');
      expect(findings).toEqual([]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    180_000,
  );
});
