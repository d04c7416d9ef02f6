/**
 * Builds what the C-ABI tests load: the layer host (if the install did not), the example layers
 * (examples/c-layer) and the hostile fixtures, into a private folder per jest worker (workers
 * run in parallel). Without a C compiler the tests say why and do not run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { layerHostPath } from '../../adapters/clayer';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');
const INCLUDE = path.join(ROOT, 'include');

/** The libraries the tests load. */
export interface CLayerLibs {
  resendAll: string;
  failStop: string;
  segfault: string;
  loop: string;
  abort: string;
  wrongAbi: string;
  noSymbol: string;
  probe: string;
}

let built: { libs?: CLayerLibs; reason?: string } | undefined;

/** Builds once per worker; `reason` says why the C tests cannot run here. */
export function buildCLayers(): { libs?: CLayerLibs; reason?: string } {
  if (built) return built;
  const cc = process.env.CC ?? 'cc';
  if (spawnSync(cc, ['--version']).status !== 0) return (built = { reason: `no C compiler (${cc})` });
  if (!fs.existsSync(layerHostPath())) {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-clayer.js'), '--host'], { stdio: 'pipe' });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-cabi-'));
  execFileSync('make', ['-s', '-C', path.join(ROOT, 'examples', 'c-layer'), `BUILD=${dir}`], { stdio: 'pipe' });
  const fixture = (name: string, ...defines: string[]): string => {
    const out = path.join(dir, `lib${name}.so`);
    const src = path.join(__dirname, 'fixtures', name === 'probe' ? 'probe.c' : 'hostile.c');
    execFileSync(cc, ['-O1', '-g', '-fPIC', '-shared', `-I${INCLUDE}`, ...defines, '-o', out, src], { stdio: 'pipe' });
    return out;
  };
  built = {
    libs: {
      resendAll: path.join(dir, 'libresend_all.so'),
      failStop: path.join(dir, 'libfail_stop.so'),
      segfault: fixture('segfault', '-DHOSTILE=1', '-DLAYER_NAME="segfault"'),
      loop: fixture('loop', '-DHOSTILE=2', '-DLAYER_NAME="loop"'),
      abort: fixture('abort', '-DHOSTILE=3', '-DLAYER_NAME="abort"'),
      wrongAbi: fixture('wrongabi', '-DABI_VERSION=7'),
      noSymbol: fixture('nosymbol', '-DNO_DESCRIPTOR'),
      probe: fixture('probe'),
    },
  };
  return built;
}

/** `describe` when the C layers could be built, else a skipped block that prints why. */
export function describeWithCLayers(title: string, body: (libs: () => CLayerLibs) => void): void {
  const { libs, reason } = buildCLayers();
  if (!libs) {
    describe.skip(`${title} (skipped: ${reason})`, () => body(() => ({}) as CLayerLibs));

    console.log(`test/cabi: ${title} skipped: ${reason}`);
    return;
  }
  describe(title, () => body(() => libs));
}
