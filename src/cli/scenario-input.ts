/**
 * What `run` and `shrink` share: the scenario file, the layer, the adapter, the output files.
 * Both take a scenario file (or a counterexample file, whose scenario, layer and adapter are the
 * defaults) and run in this process, or in a contained worker for a .js/.ts layer
 * (./contained-command), where contain() records each run for the watchdog.
 */
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { native } from '../../adapters/native';
import { parsePaths } from '../../adapters/native/agent-cli';
import { sim } from '../../adapters/sim';
import { contain } from '../check/contained/contain';
import type { Adapter } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import type { Counterexample } from '../core/results';
import { counterexampleToYAML } from '../report/codec';
import { renderHtml } from '../report/html';
import { loadScenario } from '../report/scenario-file';
import type { LoadedScenario } from '../report/scenario-file';
import { writeFileAtomic } from '../report/write-atomic';
import { choiceOption } from './args';
import type { Parsed } from './args';
import { CliError } from './errors';
import type { CliIo } from './io';
import { loadLayer, parseLayerSpec } from './load-layer';

/** The options `run` and `shrink` both accept (for parseCommand). */
export const SCENARIO_INPUT_OPTIONS = {
  layer: { type: 'string' },
  property: { type: 'string' },
  adapter: { type: 'string' },
  agent: { type: 'string' },
  paths: { type: 'string' },
  out: { type: 'string', short: 'o' },
} as const;

/** Usage lines of the shared options. */
export const SCENARIO_INPUT_USAGE = `  --layer L         a reference layer name (rdmacheck layers) or a .js/.ts module exporting a FailoverLayer
                    (default: the layer a counterexample file names)
  --property P      the property to judge by (default: every property; shrink keeps the first violated)
  --adapter A       sim (default) or native; native needs --agent HOST:PORT and --paths rxe0:eth0,rxe1:eth1
  --out DIR         where to write the counterexample files (YAML + HTML)`;

/** A scenario ready to run: where it came from, the layer, the adapter. */
export interface ScenarioInput {
  loaded: LoadedScenario;
  /** The file as the user typed it. */
  fileArg: string;
  layer: FailoverLayer;
  /** The layer's module path as typed, when it is not a reference layer (for replay commands). */
  layerModule?: string;
  adapter: Adapter;
}

/** Reads FILE, the layer and the adapter from a command's parsed options; usage errors are CliErrors. */
export function scenarioInput(command: string, parsed: Parsed, io: CliIo): ScenarioInput {
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new CliError(`rdmacheck ${command}: give exactly one scenario file (see rdmacheck ${command} --help)`);
  const fileArg = positionals[0];
  const layerArg = typeof values.layer === 'string' ? values.layer : undefined;
  // The layer is checked before the file is read, so a typo in it is the one line the user sees.
  const spec = layerArg === undefined ? undefined : parseLayerSpec(layerArg, io.cwd);
  const loaded = loadScenario(resolve(io.cwd, fileArg));
  const named = loaded.counterexample?.layer;
  if (spec === undefined && named === undefined)
    throw new CliError(`rdmacheck ${command}: give the layer to run the scenario against: --layer NAME|MODULE`);
  const layer = loadLayer(spec ?? parseLayerSpec(named as string, io.cwd));
  const kind = choiceOption(command, 'adapter', values.adapter, ['sim', 'native'] as const, 'sim');
  return {
    loaded,
    fileArg,
    layer,
    ...(spec?.kind === 'module' ? { layerModule: layerArg } : {}),
    adapter: kind === 'sim' ? contain(sim()) : nativeAdapter(command, values, layer),
  };
}

/** The native adapter from --agent and --paths; its own option errors become one line. */
function nativeAdapter(command: string, values: Parsed['values'], layer: FailoverLayer): Adapter {
  const agent = typeof values.agent === 'string' ? /^(.+):(\d+)$/.exec(values.agent) : null;
  if (agent === null)
    throw new CliError(
      `rdmacheck ${command}: --adapter native needs --agent HOST:PORT (where rdmacheck agent listens)`,
    );
  if (typeof values.paths !== 'string')
    throw new CliError(`rdmacheck ${command}: --adapter native needs --paths, e.g. --paths rxe0:eth0,rxe1:eth1`);
  try {
    return native({ agent: { host: agent[1], port: Number(agent[2]) }, paths: parsePaths(values.paths) });
  } catch (e) {
    throw new CliError(`rdmacheck ${command}: ${(e as Error).message} (layer ${layer.name})`);
  }
}

/** The base name of output files: the input's name without .yaml / .scenario.yaml, plus a suffix. */
export function outputBase(input: ScenarioInput, outDir: string | undefined, suffix: string, io: CliIo): string {
  const stem = basename(input.fileArg).replace(/(\.scenario)?\.ya?ml$/i, '');
  const dir = outDir === undefined ? resolve(io.cwd, input.fileArg, '..') : resolve(io.cwd, outDir);
  return join(dir, `${stem}.${suffix}`);
}

/** Writes a counterexample as `base`.yaml and `base`.html; returns the YAML path as the user should type it. */
export function writeCounterexample(cx: Counterexample, base: string, input: ScenarioInput, io: CliIo): string {
  const rel = relative(io.cwd, `${base}.yaml`);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? `${base}.yaml` : rel;
  const extra = input.layerModule === undefined ? {} : { layerModule: input.layerModule };
  writeFileAtomic(`${base}.yaml`, counterexampleToYAML(cx, { file: shown, ...extra }));
  writeFileAtomic(`${base}.html`, renderHtml(cx, { file: shown, ...extra }));
  return shown;
}
