/** Where the built parts of the C-layer bridge live, and why they may be missing. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package's adapters/clayer folder (running from source or from dist/). */
export function clayerDir(): string {
  let dir = __dirname;
  for (let k = 0; k < 5; k++) {
    const candidate = path.join(dir, 'adapters', 'clayer');
    if (fs.existsSync(path.join(candidate, 'binding.gyp'))) return candidate;
    if (fs.existsSync(path.join(dir, 'binding.gyp'))) return dir;
    dir = path.dirname(dir);
  }
  return __dirname;
}

/** The child host program (RDMACHECK_LAYER_HOST overrides). */
export function layerHostPath(): string {
  return process.env.RDMACHECK_LAYER_HOST ?? path.join(clayerDir(), 'build', 'rdmacheck-layer-host');
}

/** The in-process addon (RDMACHECK_CLAYER_ADDON overrides). */
export function clayerAddonPath(): string {
  return process.env.RDMACHECK_CLAYER_ADDON ?? path.join(clayerDir(), 'build', 'Release', 'rdmacheck_clayer.node');
}

/** What scripts/build-clayer.js recorded about `part` ('host' or 'addon'). */
export function clayerBuildReason(part: 'host' | 'addon'): string {
  try {
    const status = JSON.parse(fs.readFileSync(path.join(clayerDir(), 'build', 'clayer-build.json'), 'utf8')) as Record<
      string,
      { reason: string }
    >;
    return status[part]?.reason ?? 'no record of this part';
  } catch {
    return 'the build never ran here';
  }
}
