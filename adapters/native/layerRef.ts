/**
 * How the agent gets the same layer as the driver: the layer under test runs on both hosts, so
 * the agent loads it by module path and export name (like a deployment installs the library on
 * both machines). The driver finds the export by identity among candidate modules.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { FailoverLayer } from '../../src/core/layer';

/** A module path (absolute) and the export holding the layer (or a factory of it). */
export interface LayerRef {
  module: string;
  export: string;
}

/** The reference layers' modules, tried after the user's (source or compiled). */
function defaultModules(): string[] {
  const srcLayers = path.resolve(__dirname, '..', '..', 'src', 'layers');
  const out: string[] = [];
  for (const base of ['index', 'passThrough']) {
    for (const ext of ['.ts', '.js']) {
      const file = path.join(srcLayers, base + ext);
      if (fs.existsSync(file)) out.push(file);
    }
  }
  return out;
}

/** Finds `layer` among the exports of `modules` (then rdmacheck's own layers); throws when it cannot. */
export function findLayerRef(layer: FailoverLayer, modules: string[] = []): LayerRef {
  const candidates = [...modules.map((m) => path.resolve(m)), ...defaultModules()];
  for (const module of candidates) {
    let exports: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the layer module is named by the driver at run time
      exports = require(module) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const [name, value] of Object.entries(exports)) {
      if (value === layer) return { module, export: name };
      // A namespace object such as `layers` holding the layer under a key.
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [inner, v] of Object.entries(value as Record<string, unknown>)) {
          if (v === layer) return { module, export: `${name}.${inner}` };
        }
      }
    }
  }
  throw new Error(
    `native: cannot find layer '${layer.name}' among the exports of ${candidates.join(', ') || '(no modules)'}; ` +
      'pass native({ layerModules: [<the module that exports it>] }) so the agent can load the same layer',
  );
}

/** Loads the layer a LayerRef names (in the agent). */
export function loadLayer(ref: LayerRef): FailoverLayer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the layer module is named by the driver at run time
  let value: unknown = require(ref.module);
  for (const key of ref.export.split('.')) value = (value as Record<string, unknown>)?.[key];
  const layer = value as FailoverLayer | undefined;
  if (!layer || typeof layer.create !== 'function') {
    throw new Error(`agent: ${ref.module} does not export a layer at '${ref.export}'`);
  }
  return layer;
}
