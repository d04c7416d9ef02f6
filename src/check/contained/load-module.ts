/**
 * Loading a FailoverLayer from a module file (.js, or .ts through ts-node): the CLI's layer
 * argument and checkLayer's / describeFailoverLayer's module path both come here, inside the
 * worker that contains the layer.
 */
import { isFailoverLayer } from '../../core/layer';
import type { FailoverLayer } from '../../core/layer';

/** A layer given by module path: the file, and which export (default: as pickLayer chooses). */
export interface LayerModule {
  module: string;
  export?: string;
}

/** Why a layer module could not be loaded; `message` starts with the API name given. */
export class LayerModuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerModuleError';
  }
}

/** Requires `spec.module` and returns its layer; errors are LayerModuleErrors starting with `api`. */
export function loadLayerModule(spec: LayerModule, api: string): FailoverLayer {
  if (/\.c?ts$/.test(spec.module)) registerTypeScript(spec.module, api);
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module path is the user's, known only at run time
    exported = require(spec.module);
  } catch (e) {
    throw new LayerModuleError(`${api}: loading ${spec.module} failed: ${loadFailure(e)}`);
  }
  return pickLayer(exported, spec, api);
}

/**
 * Why requiring a layer module failed, in one line. ts-node's compile error puts its diagnostics
 * ("file.ts(7,7): error TS1005: ',' expected.") after a first line that says nothing: keep the
 * first diagnostic and count the rest.
 */
export function loadFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const diagnostics = lines.filter((l) => /error TS\d+:/.test(l));
  if (diagnostics.length === 0) return lines[0] ?? 'unknown error';
  const more = diagnostics.length - 1;
  return `${diagnostics[0]}${more > 0 ? ` (and ${more} more error${more === 1 ? '' : 's'})` : ''}`;
}

/** The named export, else the default export, else `layer`, else the only FailoverLayer export. */
function pickLayer(exported: unknown, spec: LayerModule, api: string): FailoverLayer {
  const file = spec.module;
  const mod = (exported ?? {}) as Record<string, unknown>;
  if (spec.export !== undefined) {
    if (isFailoverLayer(mod[spec.export])) return mod[spec.export] as FailoverLayer;
    throw new LayerModuleError(
      `${api}: ${file} has no FailoverLayer export named "${spec.export}"; it exports ${Object.keys(mod).join(', ') || 'nothing'}`,
    );
  }
  if (isFailoverLayer(exported)) return exported;
  if (isFailoverLayer(mod.default)) return mod.default;
  if (isFailoverLayer(mod.layer)) return mod.layer;
  const candidates = Object.entries(mod).filter(([, v]) => isFailoverLayer(v));
  if (candidates.length === 1) return candidates[0][1] as FailoverLayer;
  if (candidates.length > 1) {
    throw new LayerModuleError(
      `${api}: ${file} exports several layers (${candidates.map(([k]) => k).join(', ')}); export the one to audit as default or as "layer"`,
    );
  }
  const names = Object.keys(mod);
  throw new LayerModuleError(
    `${api}: ${file} does not export a FailoverLayer (an object with a name and a create(env) function); ` +
      `it exports ${names.length === 0 ? 'nothing' : names.join(', ')}`,
  );
}

let tsRegistered = false;

/**
 * Lets require() load TypeScript: ts-node in transpile-only mode with fixed CommonJS options, so
 * the user's own tsconfig (ESM, paths, strictness) cannot stop an audit.
 */
function registerTypeScript(file: string, api: string): void {
  if (tsRegistered || (require.extensions ?? {})['.ts'] !== undefined) return;
  let tsNodePath: string;
  try {
    tsNodePath = require.resolve('ts-node', { paths: [process.cwd(), file, __dirname] });
  } catch {
    throw new LayerModuleError(
      `${api}: loading ${file} needs ts-node; install it (npm install -D ts-node typescript@5) or compile the layer and pass the .js`,
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

/** The ts-node a .ts layer would be loaded with (for the CLI's TypeScript version check), if any. */
export function tsNodeFor(file: string): string | undefined {
  try {
    return require.resolve('ts-node', { paths: [process.cwd(), file, __dirname] });
  } catch {
    return undefined;
  }
}
