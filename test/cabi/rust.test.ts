/**
 * examples/rust-layer, a dependency-free cdylib, is fail-stop in Rust: built where cargo is
 * installed, it makes the decisions src/layers/failStop.ts makes, scenario for scenario.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { sim } from '../../adapters/sim';
import { loadNativeLayer } from '../../adapters/clayer';
import { scenarioArbitrary } from '../../src/check';
import { layers } from '../../src/layers';
import { ROOT, describeWithCLayers } from './helpers';

const hasCargo = spawnSync('cargo', ['--version']).status === 0;

describeWithCLayers('examples/rust-layer', () => {
  if (!hasCargo) {
    console.log('test/cabi rust: skipped: cargo is not installed (see examples/rust-layer/README.md)');
  }
  (hasCargo ? it : it.skip)(
    'builds offline and decides as the TypeScript fail-stop does',
    () => {
      const target = fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-rust-'));
      const build = spawnSync('cargo', ['build', '--release', '--offline', '--quiet'], {
        cwd: path.join(ROOT, 'examples', 'rust-layer'),
        env: { ...process.env, CARGO_TARGET_DIR: target },
        encoding: 'utf8',
      });
      expect(build.stderr).toBe('');
      const layer = loadNativeLayer(path.join(target, 'release', 'libfail_stop_rs.so'));
      expect(layer.name).toBe('fail-stop');
      const scenarios = fc.sample(scenarioArbitrary({ maxFaults: 2 }), { numRuns: 40, seed: 11 });
      for (const scenario of scenarios) {
        // Equal as data (a completion's keys come back in the ABI's canonical order).
        expect(sim().runSync!(scenario, layer).trace).toEqual(sim().runSync!(scenario, layers.failStop).trace);
      }
      layer.close();
      fs.rmSync(target, { recursive: true, force: true });
    },
    120_000,
  );
});
