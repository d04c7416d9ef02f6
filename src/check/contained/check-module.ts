/**
 * checkLayer's route for a layer given by module path: the check runs in a contained worker
 * (./supervise: heap limit, watchdog per batch of runs), so a layer that loops without calling
 * env or allocates without bound is stopped and reported as a finding naming the limit, and the
 * other properties and op classes still run. Same seeds, same verdicts as the in-process path.
 */
import { join, resolve } from 'node:path';
import type { PropertyResult, Report } from '../../core/results';
import { rewrapReport } from '../../report/counterexample';
import type { CheckOptions } from '../options';
import type { CheckJobEvent, CheckJobInput } from './check-job';
import type { PlainCheckOptions } from './check-job';
import { properties as allProperties } from '../../../properties';
import type { Property } from '../../core/property';
import type { ContainmentOptions } from './limits';
import type { LayerModule } from './load-module';
import { runContained } from './supervise';

/** A layer given by module path: the path, or { module, export }. */
export type LayerModuleRef = string | LayerModule;

/** checkLayer's options for a module-path layer: the containment limits, and a way to stop it. */
export interface ContainedCheckOptions {
  /** Heap limit, watchdog and stops per check of the layer's worker (CONTAINMENT_DEFAULTS). */
  containment?: ContainmentOptions;
  /** Stops the check (its worker is terminated; checkLayer rejects with the signal's reason). */
  abort?: AbortSignal;
}

/** `ref` as { module: absolute path, export? }; throws a TypeError naming the fix when malformed. */
export function layerModuleOf(ref: LayerModuleRef, api: string): LayerModule {
  const spec = typeof ref === 'string' ? { module: ref } : ref;
  if (spec === null || typeof spec !== 'object' || typeof spec.module !== 'string' || spec.module === '')
    throw new TypeError(`${api}: layer must be a FailoverLayer, a module path, or { module: path, export?: name }`);
  if (spec.export !== undefined && typeof spec.export !== 'string')
    throw new TypeError(`${api}: layer.export must be the name of the module's export`);
  return { module: resolve(spec.module), ...(spec.export === undefined ? {} : { export: spec.export }) };
}

/** Turns CheckOptions into their plain form; throws a TypeError for what cannot cross to a worker. */
export function plainCheckOptions(options: CheckOptions): PlainCheckOptions {
  const { adapter, properties, onProgress: _p, onCounterexample: _c, ...rest } = options;
  if (adapter !== undefined && adapter.name !== 'sim')
    throw new TypeError(
      `checkLayer: a layer given by module path runs on the simulator in a worker; drop adapter (${adapter.name}) or pass the layer object`,
    );
  const names = properties?.map((p) => {
    if (!allProperties.all.some((q: Property) => q === p || q.name === p?.name))
      throw new TypeError(
        `checkLayer: property "${String(p?.name)}" is not one of properties.all, so it cannot run in the layer's worker; pass the layer object to check custom properties`,
      );
    return p.name;
  });
  return { ...rest, ...(names === undefined ? {} : { properties: names }) };
}

/** Checks the layer at `ref` in a contained worker; resolves to the same Report as checkLayer. */
export async function checkLayerModule(
  ref: LayerModuleRef,
  options: CheckOptions & ContainedCheckOptions = {},
): Promise<Report> {
  const { containment, abort, ...check } = options;
  const input: CheckJobInput = { layer: layerModuleOf(ref, 'checkLayer'), options: plainCheckOptions(check) };
  const seen = new Set<string>();
  const outcome = await runContained<Report>(
    { jobFile: join(__dirname, 'check-job'), input },
    {
      api: 'checkLayer',
      ...containment,
      ...(abort === undefined ? {} : { abort }),
      onEvent: (e) => {
        const event = e as CheckJobEvent;
        if (event.type === 'progress') check.onProgress?.(event.progress);
        else if (check.onCounterexample !== undefined) {
          // A restarted worker finds the same counterexamples again: each is told once.
          const r = rewrapReport({ results: [event.result] } as Report).results[0] as PropertyResult;
          const key = `${r.property} ${r.opcode ?? ''} ${r.counterexample?.path ?? ''}`;
          if (!seen.has(key)) {
            seen.add(key);
            check.onCounterexample(r);
          }
        }
      },
    },
  );
  return rewrapReport(outcome.result);
}
