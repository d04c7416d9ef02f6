/** Layers in C, C++ or Rust on the command line: a shared library path, loaded by adapters/clayer. */
import { describeNativeLayer, loadNativeLayer, NativeLayerError } from '../../adapters/clayer';
import type { FailoverLayer } from '../core/layer';
import { CliError } from './errors';

/** True for a path naming a shared library (.so, .dylib): a C-ABI layer. */
export function isSharedLibrary(file: string): boolean {
  return /\.(so|dylib)(\.\d+)*$/.test(file);
}

/**
 * Checks a C-ABI layer library before any run (exists, exports the descriptor, speaks this ABI
 * version): one line and exit 2 otherwise. Only the descriptor function runs, in a child process.
 */
export function checkNativeLayerFile(file: string): void {
  cliErrors(() => describeNativeLayer(file));
}

/** Loads a C-ABI layer library, isolated in child processes. */
export function loadNativeLayerFile(file: string): FailoverLayer {
  return cliErrors(() => loadNativeLayer(file));
}

function cliErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof NativeLayerError) throw new CliError(err.message.replace(/^loadNativeLayer: /, 'rdmacheck: '));
    throw err;
  }
}
