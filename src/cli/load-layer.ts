/** Finding the layer a user names on the command line: a reference layer or a module file. */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { FailoverLayer } from '../core/layer';
import { layers } from '../layers';
import { findReferenceLayer } from '../check/replay';
import { CliError } from './errors';
import { checkTypeScriptForTsNode } from './typecheck-layer';
import { checkNativeLayerFile, isSharedLibrary, loadNativeLayerFile } from './native-layer';
import { loadFailure, loadLayerModule, LayerModuleError, tsNodeFor } from '../check/contained/load-module';

/** What the user asked for: a reference layer by name, or a module file. */
export type LayerSpec = { kind: 'reference'; name: string } | { kind: 'module'; file: string };

/** The names users may type: each reference layer's kebab-case name. */
export function referenceLayerList(): string[] {
  return Object.values(layers as Record<string, FailoverLayer>)
    .map((l) => l.name)
    .sort();
}

/**
 * Classifies a command-line layer argument without running any user code: a path (it has a
 * slash or a .js/.ts/.cjs/.mjs extension) must exist; otherwise it must name a reference layer.
 */
export function parseLayerSpec(arg: string, cwd: string): LayerSpec {
  const looksLikePath = /[\\/]/.test(arg) || /\.(c|m)?(j|t)s$/.test(arg) || isSharedLibrary(arg);
  if (looksLikePath) {
    const file = resolve(cwd, arg);
    if (!existsSync(file)) throw new CliError(`rdmacheck: layer module ${arg} does not exist`);
    if (isSharedLibrary(file)) {
      checkNativeLayerFile(file);
      return { kind: 'module', file };
    }
    if (!['.js', '.cjs', '.ts', '.cts'].includes(extname(file))) {
      throw new CliError(
        `rdmacheck: layer module ${arg} must be a .js or .ts file (ES modules: compile to CommonJS or use .ts), or a C-ABI layer library (.so, .dylib)`,
      );
    }
    return { kind: 'module', file };
  }
  if (findReferenceLayer(arg) === undefined) {
    throw new CliError(
      `rdmacheck: unknown layer "${arg}"; reference layers: ${referenceLayerList().join(', ')} (or give a path to a .js/.ts module)`,
    );
  }
  return { kind: 'reference', name: arg };
}

/** Loads the layer a spec names. Module files run here: call this in a contained worker. */
export function loadLayer(spec: LayerSpec): FailoverLayer {
  if (spec.kind === 'reference') {
    const layer = findReferenceLayer(spec.name);
    if (layer === undefined) throw new CliError(`rdmacheck: unknown layer "${spec.name}"`);
    return layer;
  }
  if (isSharedLibrary(spec.file)) return loadNativeLayerFile(spec.file);
  if (/\.c?ts$/.test(spec.file)) {
    const tsNode = tsNodeFor(spec.file);
    if (tsNode !== undefined) checkTypeScriptForTsNode(spec.file, tsNode);
  }
  try {
    return loadLayerModule({ module: spec.file }, 'rdmacheck');
  } catch (e) {
    if (e instanceof LayerModuleError) throw new CliError(e.message);
    throw e;
  }
}

export { loadFailure };
