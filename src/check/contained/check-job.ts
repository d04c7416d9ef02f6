/**
 * checkLayer of a layer given by module path, as a contained job: the options cross to the worker
 * as data (properties by name), the checker runs there with every run going through contain(),
 * and progress and counterexamples come back as events.
 */
import { properties as allProperties } from '../../../properties';
import type { Property } from '../../core/property';
import type { PropertyResult, Report } from '../../core/results';
import { checkColumns } from '../checkLayer';
import type { CheckOptions } from '../options';
import type { LayerModule } from './load-module';
import { loadLayerModule } from './load-module';

/** The options that cross to the worker: CheckOptions without functions and objects with methods. */
export type PlainCheckOptions = Omit<CheckOptions, 'adapter' | 'properties' | 'onProgress' | 'onCounterexample'> & {
  properties?: string[];
};

/** What the check job is given. */
export interface CheckJobInput {
  layer: LayerModule;
  options: PlainCheckOptions;
}

/** Events of the check job. */
export type CheckJobEvent =
  { type: 'progress'; progress: { runs: number; failures: number } } | { type: 'found'; result: PropertyResult };

/** The job: load the layer in this (contained) worker and check it. */
export async function runJob(input: unknown, emit: (event: CheckJobEvent) => void): Promise<Report> {
  const { layer: spec, options } = input as CheckJobInput;
  const layer = loadLayerModule(spec, 'checkLayer');
  const { properties: names, ...rest } = options;
  const properties = names?.map((n) => allProperties.all.find((p: Property) => p.name === n) as Property);
  return checkColumns(layer, {
    ...rest,
    ...(properties === undefined ? {} : { properties }),
    onProgress: (progress) => emit({ type: 'progress', progress }),
    onCounterexample: (result) => emit({ type: 'found', result }),
  });
}
