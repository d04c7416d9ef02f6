/**
 * A fresh worker that loads a module-path layer and runs one scenario on the simulator: the
 * replay before report of a layer from a module path (./fresh-replay). Its module registry is
 * new, so state a layer keeps at module level starts empty, as in any later process.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sim } from '../../adapters/sim';
import type { Scenario } from '../core/scenario';
import { loadLayer } from './load-layer';
import type { LayerSpec } from './load-layer';

/** What the fresh worker is asked to run. */
export interface FreshReplayRequest {
  layer: LayerSpec;
  scenario: Scenario;
}

const port = parentPort;
if (port !== null) {
  try {
    const { layer, scenario } = workerData as FreshReplayRequest;
    const run = sim().runSync!(scenario, loadLayer(layer));
    port.postMessage({ type: 'trace', trace: run.trace });
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}
