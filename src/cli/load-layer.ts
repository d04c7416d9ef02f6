/** Finding the layer a user names on the command line: a reference layer or a module file. */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { isFailoverLayer } from '../core/layer';
import type { FailoverLayer } from '../core/layer';
import { layers } from '../layers';
import { findReferenceLayer } from '../check/replay';
import { CliError } from './errors';
import { checkNativeLayerFile, isSharedLibrary, loadNativeLayerFile } from './native-layer';

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

/** Loads the layer a spec names. Module files run here: call this in the audit worker. */
export function loadLayer(spec: LayerSpec): FailoverLayer {
  if (spec.kind === 'reference') {
    const layer = findReferenceLayer(spec.name);
    if (layer === undefined) throw new CliError(`rdmacheck: unknown layer "${spec.name}"`);
    return layer;
  }
  if (isSharedLibrary(spec.file)) return loadNativeLayerFile(spec.file);
  if (/\.c?ts$/.test(spec.file)) registerTypeScript(spec.file);
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module path is the user's, known only at run time
    exported = require(spec.file);
  } catch (e) {
    const err = e as Error;
    throw new CliError(`rdmacheck: loading ${spec.file} failed: ${err.message.split('\n')[0]}`);
  }
  return pickLayer(exported, spec.file);
}

/** The module's layer: its default export, else `layer`, else its only FailoverLayer export. */
function pickLayer(exported: unknown, file: string): FailoverLayer {
  if (isFailoverLayer(exported)) return exported;
  const mod = (exported ?? {}) as Record<string, unknown>;
  if (isFailoverLayer(mod.default)) return mod.default;
  if (isFailoverLayer(mod.layer)) return mod.layer;
  const candidates = Object.entries(mod).filter(([, v]) => isFailoverLayer(v));
  if (candidates.length === 1) return candidates[0][1] as FailoverLayer;
  if (candidates.length > 1) {
    throw new CliError(
      `rdmacheck: ${file} exports several layers (${candidates.map(([k]) => k).join(', ')}); export the one to audit as default or as "layer"`,
    );
  }
  const names = Object.keys(mod);
  throw new CliError(
    `rdmacheck: ${file} does not export a FailoverLayer (an object with a name and a create(env) function); ` +
      `it exports ${names.length === 0 ? 'nothing' : names.join(', ')}`,
  );
}

let tsRegistered = false;

/**
 * Lets require() load TypeScript: ts-node in transpile-only mode with fixed CommonJS options, so
 * the user's own tsconfig (ESM, paths, strictness) cannot stop an audit.
 */
function registerTypeScript(file: string): void {
  if (tsRegistered || (require.extensions ?? {})['.ts'] !== undefined) return;
  let tsNodePath: string;
  try {
    tsNodePath = require.resolve('ts-node', { paths: [process.cwd(), file, __dirname] });
  } catch {
    throw new CliError(
      `rdmacheck: loading ${file} needs ts-node; install it (npm install -D ts-node typescript) or compile the layer and pass the .js`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- ts-node is an optional peer: loaded only when a .ts layer needs it
  const tsNode = require(tsNodePath) as typeof import('ts-node');
  tsNode.register({
    transpileOnly: true,
    skipProject: true,
    compilerOptions: { module: 'commonjs', moduleResolution: 'node', target: 'es2022', esModuleInterop: true },
  });
  tsRegistered = true;
}
