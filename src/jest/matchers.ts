/** Custom jest matchers: `await expect(layer).toSatisfy(property, options)` and `.toViolate(...)`. */
import type { Adapter } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import type { Property } from '../core/property';
import type { FaultKind, NicProfile } from '../core/scenario';
import type { Opcode } from '../core/verbs';
import { checkLayer } from '../check/checkLayer';
import { isFailoverLayer } from '../core/layer';
import { failureMessage, resolveOutDir, writeCounterexample } from './failure';

/** Options of the matchers (the checker's options, plus where to write counterexamples). */
export interface MatcherOptions {
  /** Restrict workloads to these op classes. */
  opcodes?: Opcode[];
  numRuns?: number;
  seed?: number;
  /** The checker's time budget per check. */
  timeLimitMs?: number;
  /**
   * Liveness budget of every run, in virtual nanoseconds (checkLayer's livenessNs; default 5 ms):
   * raise it for a layer with millisecond timers.
   */
  livenessNs?: number;
  adapter?: Adapter;
  /** The NIC profile of the simulated fabric: 'ibta' (default) or 'rxe' (CheckOptions.nic). */
  nic?: NicProfile;
  /** The only fault kinds drawn ([] draws no faults; default every kind the adapter can inject: CheckOptions.faultKinds). */
  faultKinds?: readonly FaultKind[];
  /** false: no out-of-range addresses (CheckOptions.badAddresses; default true). */
  badAddresses?: boolean;
  /** Folder for counterexample YAML files (default $RDMACHECK_OUT_DIR or ./rdmacheck-counterexamples). */
  outDir?: string;
  /** The module path of this layer, for the replay command in failure messages. */
  layerModule?: string;
}

/** What a jest matcher returns. */
interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** Checks `property` on `layer`; pass when it holds (`toSatisfy`). */
async function toSatisfy(
  this: { isNot?: boolean },
  received: unknown,
  property: Property,
  options: MatcherOptions = {},
): Promise<MatcherResult> {
  const { layer, verdictOf } = await check('toSatisfy', received, property, options);
  const result = verdictOf;
  if (result.status === 'violated') {
    const cx = result.counterexample;
    if (cx === undefined)
      return { pass: false, message: () => `${property.name} violated by ${layer.name} (no counterexample recorded)` };
    const file = writeCounterexample(
      { ...cx, ...(result.opcode ? { opcode: result.opcode } : {}) },
      resolveOutDir(options.outDir),
    );
    return {
      pass: false,
      message: () =>
        `expected ${layer.name} to satisfy ${property.name}\n\n${failureMessage(cx, file, options.layerModule)}`,
    };
  }
  if (result.status === 'unknown') {
    return {
      pass: false,
      message: () =>
        `expected ${layer.name} to satisfy ${property.name}, but the check was inconclusive after ${result.runs} runs: ${result.reason ?? 'unknown'}`,
    };
  }
  return {
    pass: true,
    message: () => `expected ${layer.name} not to satisfy ${property.name}, but it held in ${result.runs} runs`,
  };
}

/** Checks `property` on `layer`; pass when a violation is found (`toViolate`: lock in a known boundary). */
async function toViolate(
  this: { isNot?: boolean },
  received: unknown,
  property: Property,
  options: MatcherOptions = {},
): Promise<MatcherResult> {
  const { layer, verdictOf: result } = await check('toViolate', received, property, options);
  if (result.status === 'violated') {
    return {
      pass: true,
      message: () =>
        `expected ${layer.name} not to violate ${property.name}, but: ${result.counterexample?.explanation ?? 'violated'}`,
    };
  }
  return {
    pass: false,
    message: () =>
      `expected ${layer.name} to violate ${property.name}, but it was ${result.status} after ${result.runs} runs${result.reason ? `: ${result.reason}` : ''}`,
  };
}

async function check(api: string, received: unknown, property: Property, options: MatcherOptions) {
  if (!isFailoverLayer(received))
    throw new Error(`${api}: expect(...) must be given a FailoverLayer (an object with a name and create(env))`);
  if (property === undefined || typeof property.check !== 'function')
    throw new Error(`${api}: the first argument must be a Property (e.g. properties.atMostOnce)`);
  const report = await checkLayer(received, {
    properties: [property],
    ...(options.opcodes === undefined ? {} : { opcodes: options.opcodes }),
    ...(options.numRuns === undefined ? {} : { numRuns: options.numRuns }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
    ...(options.livenessNs === undefined ? {} : { livenessNs: options.livenessNs }),
    ...(options.adapter === undefined ? {} : { adapter: options.adapter }),
    ...(options.nic === undefined ? {} : { nic: options.nic }),
    ...(options.faultKinds === undefined ? {} : { faultKinds: options.faultKinds }),
    ...(options.badAddresses === undefined ? {} : { badAddresses: options.badAddresses }),
  });
  // Several results (one per op class) fold into the worst: violated over unknown over holds.
  const overall = report.results.filter((r) => r.opcode === undefined);
  const results = overall.length > 0 ? overall : report.results;
  const verdictOf = results.find((r) => r.status === 'violated') ??
    results.find((r) => r.status === 'unknown') ?? {
      ...(results[0] ?? { property: property.name, status: 'holds' as const }),
      runs: results.reduce((n, r) => n + r.runs, 0),
    };
  return { layer: received, verdictOf };
}

/** The matchers, for `expect.extend(rdmacheckMatchers)` (done automatically by importing rdmacheck/jest). */
export const rdmacheckMatchers = { toSatisfy, toViolate };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- jest declares its matcher types in this global namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars, @typescript-eslint/no-empty-object-type -- the interface merges into jest.Matchers, whose signature fixes both
    interface Matchers<R, T = {}> {
      /** Passes when `property` holds for the layer in every generated run. Await it. */
      toSatisfy(property: Property, options?: MatcherOptions): Promise<R>;
      /** Passes when the checker finds a violation of `property`. Await it. */
      toViolate(property: Property, options?: MatcherOptions): Promise<R>;
    }
  }
}

/** Keeps TypeScript from treating this file's global augmentation as unused when layers are typed. */
export type { FailoverLayer };
