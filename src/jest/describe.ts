/** describeFailoverLayer: one jest test per property (and op class), with accepted violations. */
import type { FailoverLayer } from '../core/layer';
import { carriedOpcodes } from '../core/layer';
import type { Property } from '../core/property';
import type { PropertyResult } from '../core/results';
import type { Opcode } from '../core/verbs';
import { OPCODES } from '../core/verbs';
import { checkLayer } from '../check/checkLayer';
import type { Shard } from '../check/shard';
import { parseShard, shardFromEnv, SHARD_ENV, validShard } from '../check/shard';
import { drawnFaultKinds } from '../check/fault-kinds';
import { properties as allProperties } from '../../properties';
import { loadNativeLayer } from '../../adapters/clayer';
import { failureMessage, resolveOutDir, writeCounterexample } from './failure';
import { jestGlobals } from './globals';
import { layerModuleOf } from '../check/contained/check-module';
import { loadLayerModule } from '../check/contained/load-module';
import type { LayerModule } from '../check/contained/load-module';
import type { ContainmentOptions } from '../check/contained/limits';
import type { MatcherOptions } from './matchers';

/** The names of the generic properties (properties.all), as `accept` takes them. */
export const PROPERTY_NAMES = [
  'at-most-once',
  'no-queue-sliding',
  'sender-view-determinism',
  'linearizability',
  'failure-masking',
  'completion-fidelity',
] as const;

/** A generic property's name: a typo in `accept[].property` is a compile error, and a run-time one. */
export type PropertyName = (typeof PROPERTY_NAMES)[number];

/** A violation the layer's design intends (e.g. SHIFT aborting atomics): the test asserts it happens. */
export interface AcceptedViolation {
  /** The property's name; it must be one of the properties under test. */
  property: PropertyName;
  /** The op classes it applies to (default: all). */
  opcodes?: Opcode[];
  /** Why it is accepted; shown in the test name. */
  reason: string;
}

/** Options of describeFailoverLayer: the matchers' options, plus how to lay out the tests. */
export interface DescribeFailoverLayerOptions extends MatcherOptions {
  /** Properties to test (default properties.all). */
  properties?: Property[];
  /** One test per property x op class (default false: one test per property). */
  byOpClass?: boolean;
  /** Violations the design intends; their tests pass when the violation is found, fail when it is not. */
  accept?: AcceptedViolation[];
  /** 'fail' (default): a property that cannot decide fails the test, never a silent pass. */
  onUnknown?: 'fail' | 'pass';
  /** jest timeout per test (default 120000). */
  testTimeoutMs?: number;
  /**
   * This CI job's shard of a campaign, { index, count } or "i/n" (default: the RDMACHECK_SHARD
   * environment variable, else none): the checks run under seed + index - 1 (src/check/shard.ts).
   */
  shard?: Shard | string;
  /** For a layer given by module path: its worker's heap limit, watchdog and stops (checkLayer). */
  containment?: ContainmentOptions;
}

/** The shard from the option, else from RDMACHECK_SHARD, else none. */
function resolveShard(shard: Shard | string | undefined): Shard | undefined {
  if (typeof shard === 'string') return parseShard(shard, 'describeFailoverLayer');
  if (shard !== undefined) return validShard(shard, 'describeFailoverLayer');
  return shardFromEnv('describeFailoverLayer');
}

/**
 * Declares a jest `describe` block for `layer` (or the C-ABI layer library at that path) with one test per property (per op class when
 * byOpClass). A failing test's message holds the explanation, the seed, the replay command and
 * the lane chart, and the counterexample YAML is written to outDir.
 */
export function describeFailoverLayer(
  layerOrPath: FailoverLayer | string | LayerModule,
  options: DescribeFailoverLayerOptions = {},
): void {
  const { describe, test } = jestGlobals('describeFailoverLayer');
  // A shared library is a C-ABI layer (include/rdmacheck/layer.h), run isolated in child
  // processes; any other path is a JavaScript/TypeScript module, run in a contained worker.
  const modulePath =
    typeof layerOrPath === 'string' && !/\.(so|dylib)(\.\d+)*$/.test(layerOrPath)
      ? layerModuleOf(layerOrPath, 'describeFailoverLayer')
      : layerOrPath !== null && typeof layerOrPath === 'object' && 'module' in layerOrPath
        ? layerModuleOf(layerOrPath, 'describeFailoverLayer')
        : undefined;
  const layer =
    modulePath !== undefined
      ? describeModule(modulePath)
      : typeof layerOrPath === 'string'
        ? loadNativeLayer(layerOrPath)
        : (layerOrPath as FailoverLayer);
  if (layer === null || typeof layer !== 'object' || typeof layer.create !== 'function') {
    throw new Error(
      'describeFailoverLayer: the first argument must be a FailoverLayer (an object with a name and create(env))',
    );
  }
  const shard = resolveShard(options.shard);
  const props = options.properties ?? [...allProperties.all];
  rejectUnknownAccepted(options.accept ?? [], props);
  // An unknown kind is refused as the suite is declared, not once per test.
  if (options.faultKinds !== undefined) drawnFaultKinds(options.faultKinds, 'describeFailoverLayer');
  const columns: (Opcode | undefined)[] = options.byOpClass
    ? (options.opcodes ?? [...carriedOpcodes(layer)])
    : [undefined];
  const title =
    shard === undefined
      ? ''
      : ` (shard ${shard.index}/${shard.count}${options.shard === undefined ? ` from ${SHARD_ENV}` : ''})`;
  describe(`failover layer ${layer.name}${title}`, () => {
    for (const property of props) {
      for (const opcode of columns) {
        const accepted = acceptedFor(options.accept ?? [], property.name, opcode);
        const cell = `${property.name}${opcode ? ` [${opcode}]` : ''}`;
        const name = accepted === undefined ? `${cell} holds` : `${cell} is violated, as accepted: ${accepted.reason}`;
        test(
          name,
          async () => {
            // Each counterexample is written as soon as it is found, so a test that times out
            // still leaves it whole; the deadline before jest's says where they are.
            const found: string[] = [];
            const outDir = resolveOutDir(options.outDir);
            const timeoutMs = options.testTimeoutMs ?? 120_000;
            const deadline = new AbortController();
            const check = checkLayer(modulePath ?? layer, {
              // An accepted violation is what the test expects: its counterexample is not a finding.
              ...(accepted !== undefined
                ? {}
                : {
                    onCounterexample: (r: PropertyResult) => {
                      const cx = r.counterexample!;
                      found.push(writeCounterexample({ ...cx, opcode: r.opcode ?? opcode }, outDir));
                    },
                  }),
              ...(modulePath === undefined ? {} : { abort: deadline.signal }),
              ...(options.containment === undefined ? {} : { containment: options.containment }),
              properties: [property],
              ...(opcode !== undefined ? { opcodes: [opcode] } : options.opcodes ? { opcodes: options.opcodes } : {}),
              ...(options.numRuns === undefined ? {} : { numRuns: options.numRuns }),
              ...(options.seed === undefined ? {} : { seed: options.seed }),
              ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
              ...(options.livenessNs === undefined ? {} : { livenessNs: options.livenessNs }),
              ...(options.adapter === undefined ? {} : { adapter: options.adapter }),
              ...(options.nic === undefined ? {} : { nic: options.nic }),
              ...(options.faultKinds === undefined ? {} : { faultKinds: options.faultKinds }),
              ...(options.badAddresses === undefined ? {} : { badAddresses: options.badAddresses }),
              ...(shard === undefined ? {} : { shard }),
            });
            const report = await beforeDeadline(check, timeoutMs, deadline, () =>
              bare(
                `${cell}: the check did not finish within ${timeoutMs - DEADLINE_MARGIN_MS} ms of the test's ${timeoutMs} ms timeout; ` +
                  `${found.length === 0 ? 'no counterexample found so far' : `${found.length} counterexample${found.length === 1 ? '' : 's'} found so far, written whole: ${found.join(', ')}`} ` +
                  '(raise testTimeoutMs, or lower numRuns)',
              ),
            );
            // The checker returns a result per op class and one per property over all of them: keep the one this test is about.
            const mine = report.results.filter(
              (r) =>
                r.property === property.name && (opcode === undefined ? r.opcode === undefined : r.opcode === opcode),
            );
            judgeCell(mine.length > 0 ? mine : report.results, { cell, accepted, opcode, options });
          },
          options.testTimeoutMs ?? 120_000,
        );
      }
    }
  });
}

/** How long before jest's timeout the test gives up and says what it found. */
const DEADLINE_MARGIN_MS = 1_000;

/**
 * `check`, unless the test's timeout (less a margin) comes first: then the deadline is aborted
 * (a contained check's worker stops) and the promise rejects with `failure()`.
 */
async function beforeDeadline<T>(
  check: Promise<T>,
  timeoutMs: number,
  deadline: AbortController,
  failure: () => Error,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        deadline.abort(failure());
        reject(failure());
      },
      Math.max(1, timeoutMs - DEADLINE_MARGIN_MS),
    );
  });
  try {
    return await Promise.race([check, late]);
  } finally {
    clearTimeout(timer);
    check.catch(() => undefined); // an aborted or abandoned check's rejection is already reported
  }
}

/**
 * The layer object describeFailoverLayer names its tests by, for a module-path layer: loaded here
 * only for its name and op classes (the checks load it again in their contained worker).
 */
function describeModule(spec: LayerModule): FailoverLayer {
  return loadLayerModule(spec, 'describeFailoverLayer');
}

/**
 * Throws when an accepted violation names a property that is not under test (a misspelling would
 * otherwise be ignored, and the violation it meant to accept would fail the suite unexplained),
 * or an op class that does not exist.
 */
function rejectUnknownAccepted(accept: readonly AcceptedViolation[], props: readonly Property[]): void {
  const names = props.map((p) => p.name);
  accept.forEach((a, k) => {
    if (!names.includes(a?.property))
      throw new Error(
        `describeFailoverLayer: accept[${k}].property "${String(a?.property)}" is not a property under test; use one of: ${names.join(', ')}`,
      );
    const bad = (a.opcodes ?? []).filter((op) => !OPCODES.includes(op));
    if (bad.length > 0)
      throw new Error(
        `describeFailoverLayer: accept[${k}].opcodes has ${bad.join(', ')}, which ${bad.length === 1 ? 'is not an op class' : 'are not op classes'}; use: ${OPCODES.join(', ')}`,
      );
  });
}

/** The accepted violation covering this property and op class, if any. */
function acceptedFor(
  accept: AcceptedViolation[],
  property: string,
  opcode: Opcode | undefined,
): AcceptedViolation | undefined {
  return accept.find(
    (a) => a.property === property && (a.opcodes === undefined || opcode === undefined || a.opcodes.includes(opcode)),
  );
}

/** Throws the test's failure (a message-only Error) unless the results are what the test expects. */
function judgeCell(
  results: PropertyResult[],
  ctx: { cell: string; accepted?: AcceptedViolation; opcode?: Opcode; options: DescribeFailoverLayerOptions },
): void {
  const violated = results.find((r) => r.status === 'violated');
  const unknown = results.find((r) => r.status === 'unknown');
  if (ctx.accepted !== undefined) {
    if (violated !== undefined) return;
    if (unknown !== undefined && ctx.options.onUnknown !== 'pass')
      throw bare(
        `${ctx.cell}: expected the accepted violation, but the check was inconclusive: ${unknown.reason ?? 'unknown'}`,
      );
    throw bare(
      `${ctx.cell}: the accepted violation ("${ctx.accepted.reason}") no longer occurs in ${results.reduce((n, r) => n + r.runs, 0)} runs; ` +
        'if the layer was fixed, remove it from `accept`',
    );
  }
  if (violated !== undefined) {
    const cx = violated.counterexample;
    if (cx === undefined) throw bare(`${ctx.cell} violated (no counterexample recorded)`);
    const data = { ...cx, opcode: violated.opcode ?? ctx.opcode };
    const file = writeCounterexample(data, resolveOutDir(ctx.options.outDir)); // again: the same file, whole
    throw bare(failureMessage(data, file, ctx.options.layerModule));
  }
  if (unknown !== undefined && ctx.options.onUnknown !== 'pass') {
    throw bare(
      `${ctx.cell}: unknown after ${unknown.runs} runs: ${unknown.reason ?? 'no reason given'} (pass onUnknown: 'pass' to accept)`,
    );
  }
}

/** An Error whose stack is its message, so jest shows the report and not rdmacheck's internals. */
export function bare(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}
