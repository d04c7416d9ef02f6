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
   * Defects the layer has that the generated scenarios (src/check) reach rarely or never, each
   * shown by a hand-written scenario in test/layers. An audit may report these cells either way
   * (they are not compared with it); kept apart from `violations` so that the audit's promise
   * stays exact for every other cell and the defect stays documented.
   */
  unreached?: readonly ExpectedViolation[];
}

/** A failover layer that documents its decision rule and expected audit (src/layers). */
export interface ReferenceLayer extends FailoverLayer {
  /** One line: when the layer re-posts, what it re-posts, where. */
  readonly rule: string;
  readonly expected: ExpectedAudit;
}

/** Attaches a rule and an expected audit to a layer (the layer's behaviour is unchanged). */
export function describedLayer(layer: FailoverLayer, rule: string, expected: ExpectedAudit): ReferenceLayer {
  return {
    name: layer.name,
    ...(layer.transparent !== undefined ? { transparent: layer.transparent } : {}),
    ...(layer.opcodes !== undefined ? { opcodes: layer.opcodes } : {}),
    ...(layer.config !== undefined ? { config: layer.config } : {}),
    create: (env) => layer.create(env),
    rule,
    expected,
  };
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
    ? `; also, beyond the generated scenarios: ${ref.expected.unreached.map((v) => `${v.property} [${v.opcodes.join(', ')}]`).join('; ')}`
    : '';
  const carries = layer.opcodes ? ` [carries ${layer.opcodes.join(', ')}]` : '';
  const settings = layer.config
    ? ` [audited at ${Object.entries(layer.config)
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(',')}]`
    : '';
  return `${layer.name} (${kind})${carries}${settings}: ${rule} -- ${expected}${unreached}`;
}
