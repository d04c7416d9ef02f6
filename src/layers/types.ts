/** What a reference layer documents about itself: its decision rule and its expected audit. */
import type { FailoverLayer } from '../core/layer';
import type { OpClass } from '../core/results';

/** The names of the generic properties (properties/), as an audit reports them. */
export type PropertyName =
  | 'at-most-once'
  | 'no-queue-sliding'
  | 'sender-view-determinism'
  | 'linearizability'
  | 'failure-masking'
  | 'completion-fidelity';

/**
 * One property the layer is expected to violate, for which audit columns (op classes, or 'mixed'
 * for a defect that needs two op classes in one scenario), and why.
 */
export interface ExpectedViolation {
  property: PropertyName;
  opcodes: readonly OpClass[];
  /** The mechanism, citing the seed paper's theorem where one applies. */
  why: string;
}

/** The audit result a reference layer should get: everything not listed is expected to hold. */
export interface ExpectedAudit {
  summary: string;
  violations: readonly ExpectedViolation[];
  /**
   * Defects the layer has that the generated scenarios (src/check) reach rarely or never: not
   * within the default audit (seed 1, 200 runs per op class), at most at other seeds (npm run
   * audit:sweep), each `why` naming a seed and run that reach it, each shown by a hand-written
   * scenario in test/layers. An audit may report these cells either way (they are not compared
   * with it); kept apart from `violations` so that no seed's audit finds a violation the doc says
   * cannot happen, and the defect stays documented.
   */
  unreached?: readonly ExpectedViolation[];
}

/**
 * What a model of shipping failover code follows: the repository and commit whose source lines its
 * rules cite, and what it leaves out or simplifies (each with the reason), so that an audit of the
 * model says what it cannot speak for.
 */
export interface ShippingModel {
  /** owner/name on GitHub. */
  readonly repo: string;
  /** The full commit id the citations refer to. */
  readonly commit: string;
  /** Each step of the source the model omits or simplifies, and why (one sentence each). */
  readonly omissions: readonly string[];
}

/** A failover layer that documents its decision rule and expected audit (src/layers). */
export interface ReferenceLayer extends FailoverLayer {
  /** One line: when the layer re-posts, what it re-posts, where. */
  readonly rule: string;
  readonly expected: ExpectedAudit;
  /** Present on models of shipping code (docs/field-audits.md). */
  readonly model?: ShippingModel;
}

/** Attaches a rule, an expected audit and, for a model of shipping code, its source (behaviour unchanged). */
export function describedLayer(
  layer: FailoverLayer,
  rule: string,
  expected: ExpectedAudit,
  model?: ShippingModel,
): ReferenceLayer {
  return {
    name: layer.name,
    ...(layer.transparent !== undefined ? { transparent: layer.transparent } : {}),
    ...(layer.opcodes !== undefined ? { opcodes: layer.opcodes } : {}),
    ...(layer.config !== undefined ? { config: layer.config } : {}),
    create: (env) => layer.create(env),
    rule,
    expected,
    ...(model !== undefined ? { model } : {}),
  };
}

/** The paragraph an audit of a model prints under its matrix: what it follows and what it leaves out. */
export function describeModelLimits(layer: FailoverLayer): string | undefined {
  const model = (layer as Partial<ReferenceLayer>).model;
  if (model === undefined) return undefined;
  const head = `${layer.name} models ${model.repo}@${model.commit.slice(0, 10)}; its verdicts speak for that code except where the model leaves out or simplifies (${model.omissions.length}):`;
  return [head, ...model.omissions.map((o) => `  - ${o}`)].join('\n');
}

/** One line for the CLI's `layers` command: name, transparency, rule, and expected violations. */
export function describeLayer(layer: FailoverLayer): string {
  const ref = layer as Partial<ReferenceLayer>;
  const kind = layer.transparent ? 'transparent' : 'cooperative';
  const rule = ref.rule ?? '(no documented rule)';
  const expected = ref.expected
    ? ref.expected.violations.length === 0
      ? 'expected: every property holds'
      : `expected to violate: ${ref.expected.violations.map((v) => `${v.property} [${v.opcodes.join(', ')}]`).join('; ')}`
    : 'expected: (not documented)';
  const unreached = ref.expected?.unreached?.length
    ? `; also, beyond the default audit, at other seeds (not compared): ${ref.expected.unreached.map((v) => `${v.property} [${v.opcodes.join(', ')}]`).join('; ')}`
    : '';
  const carries = layer.opcodes ? ` [carries ${layer.opcodes.join(', ')}]` : '';
  const settings = layer.config
    ? ` [audited at ${Object.entries(layer.config)
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(',')}]`
    : '';
  return `${layer.name} (${kind})${carries}${settings}: ${rule} -- ${expected}${unreached}`;
}
