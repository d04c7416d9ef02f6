/**
 * The seed paper's theorems as executable witnesses for any layer: each builds the paper's
 * scenario, runs it, judges it with the generic properties, and says which side of the
 * impossibility the layer fell on (safety or liveness). Returned as data for the CLI's
 * `theorems` command and for tests.
 */
import { sim } from '../../adapters/sim';
import { properties } from '../../properties';
import { canonical } from '../../properties/support/history';
import type { Adapter, Execution } from '../core/execution';
import type { FailoverLayer } from '../core/layer';
import type { Property, Verdict } from '../core/property';
import type { Scenario } from '../core/scenario';
import { senderView, withoutIndex } from '../core/trace';
import { execute } from './execute';

/** One run of a witness with the verdicts that matter for it. */
export interface TheoremRun {
  name: string;
  scenario: Scenario;
  execution: Execution;
  verdicts: Record<string, Verdict>;
}

/** Which guarantee the layer gave up in the witness. */
export type Broken = 'safety' | 'liveness' | 'both' | 'neither';

/** A theorem's witness for one layer. */
export interface TheoremWitness {
  id: 'theorem-1' | 'fadd-double-count' | 'queue-sliding' | 'cas-double-success' | 'theorem-3-aba';
  title: string;
  /** The theorem in one sentence, in the paper's words. */
  statement: string;
  layer: string;
  runs: TheoremRun[];
  /** What the layer gave up in these runs. */
  broken: Broken;
  /** True when the runs exhibit the theorem for this layer (it broke safety or liveness). */
  shown: boolean;
  /** One or two sentences: what happened. */
  conclusion: string;
}

/** Options of every witness. */
export interface WitnessOptions {
  /** Default: the simulator. */
  adapter?: Adapter;
}

const SAFETY = [properties.atMostOnce, properties.noQueueSliding, properties.linearizability];
const LIVENESS = [properties.failureMasking];

/** T1 and T2 of Theorem 1: a WRITE whose request (T1) or ACK (T2) is lost for good on path 0; B's application reuses the word. */
export const THEOREM1_T1: Scenario = {
  workload: [
    { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 0, value: 1 } },
    { kind: 'reuse', addr: 0, expect: 1, value: 7 },
  ],
  faults: [{ kind: 'drop-request', path: 0, wr: 1, count: 'all' }],
};
/** T2: the same, but the ACK is lost after B executed, consumed and reused the word. */
export const THEOREM1_T2: Scenario = {
  ...THEOREM1_T1,
  faults: [{ kind: 'drop-response', path: 0, wr: 1, count: 'all' }],
};

/** FADD(0, +1) whose ACK is lost for good on path 0. */
export const FADD_DOUBLE_COUNT: Scenario = {
  workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } }],
  faults: [{ kind: 'drop-response', path: 0, wr: 1, count: 'all' }],
};

/** Three RECVs; M1, then M2 once M1 completes; M1's ACK is lost for good on path 0. */
export const QUEUE_SLIDING: Scenario = {
  workload: [
    { kind: 'recv', wr: { id: 1 } },
    { kind: 'recv', wr: { id: 2 } },
    { kind: 'recv', wr: { id: 3 } },
    { kind: 'post', wr: { id: 1, opcode: 'SEND', value: 101 } },
    { kind: 'post', wr: { id: 2, opcode: 'SEND', value: 102 }, after: { on: 'deliver', wr: 1 } },
  ],
  faults: [{ kind: 'drop-response', path: 0, wr: 1, count: 'all' }],
};

/** S's CAS(0, 0->1) executes, its ACK is lost; P (the third party) does CAS(0, 1->0): ABA. */
export const CAS_ABA: Scenario = {
  workload: [
    { kind: 'post', wr: { id: 1, opcode: 'CMP_SWAP', addr: 0, compare: 0, swap: 1 } },
    { kind: 'third', op: 'CMP_SWAP', addr: 0, compare: 1, swap: 0, after: { on: 'execute', wr: 1 } },
  ],
  faults: [{ kind: 'drop-response', path: 0, wr: 1, count: 'all' }],
};

async function judge(
  name: string,
  scenario: Scenario,
  layer: FailoverLayer,
  adapter: Adapter,
  props: Property[],
): Promise<TheoremRun> {
  const execution = await execute(adapter, scenario, layer);
  const verdicts: Record<string, Verdict> = {};
  for (const p of props) verdicts[p.name] = await p.check(execution);
  return { name, scenario, execution, verdicts };
}

const isViolated = (run: TheoremRun, names: Property[]) =>
  names.some((p) => run.verdicts[p.name]?.status === 'violated');

function brokenOf(safety: boolean, liveness: boolean): Broken {
  return safety && liveness ? 'both' : safety ? 'safety' : liveness ? 'liveness' : 'neither';
}

function firstViolation(run: TheoremRun): string {
  for (const [name, v] of Object.entries(run.verdicts)) if (v.status === 'violated') return `${name}: ${v.explanation}`;
  return '';
}

/** How many times A's layer posted application WR `wr`. */
function postsOf(run: TheoremRun, wr: number): number {
  return run.execution.trace.filter((e) => e.kind === 'Post' && e.host === 'A' && e.wr.id === wr).length;
}

/**
 * Theorem 1: T1 (request lost) and T2 (ACK lost, memory reused) have the same sender view; a
 * layer that retries breaks safety in T2, one that does not breaks liveness in T1.
 */
export async function theorem1TwinPair(layer: FailoverLayer, options: WitnessOptions = {}): Promise<TheoremWitness> {
  const adapter = options.adapter ?? sim();
  const props = [...SAFETY, ...LIVENESS, properties.senderViewDeterminism];
  const t1 = await judge('T1: request lost', THEOREM1_T1, layer, adapter, props);
  const t2 = await judge('T2: ACK lost, memory reused', THEOREM1_T2, layer, adapter, props);
  const view = (r: TheoremRun) => canonical(senderView(r.execution.trace, 'A').map(withoutIndex));
  const sameView = view(t1) === view(t2);
  const retried = postsOf(t2, 1) > 1;
  const safety = isViolated(t1, SAFETY) || isViolated(t2, SAFETY);
  const liveness = isViolated(t1, LIVENESS) || isViolated(t2, LIVENESS);
  const broken = brokenOf(safety, liveness);
  const conclusion = !sameView
    ? `${layer.name} sees a difference between T1 and T2 (its sender view differs), so Theorem 1 does not bind it${broken === 'neither' ? ', and it kept both safety and liveness' : `; still, it broke ${broken}`}.`
    : broken === 'neither'
      ? `${layer.name} saw the same sender view in T1 and T2 yet broke neither safety nor liveness here: the witness does not apply to it as posted.`
      : `T1 and T2 look the same to ${layer.name}; it ${retried ? 'retried in both, so T2 broke safety' : 'did not retry, so T1 broke liveness'}. ${firstViolation(retried ? t2 : t1)}`;
  return {
    id: 'theorem-1',
    title: 'Theorem 1: packet loss and ACK loss are indistinguishable',
    statement:
      'For any transparent overlay there are executions T1 (packet lost) and T2 (ACK lost, memory reused) with the same sender view, where liveness demands a retry in T1 and safety forbids it in T2.',
    layer: layer.name,
    runs: [t1, t2],
    broken,
    shown: sameView && broken !== 'neither',
    conclusion,
  };
}

async function single(
  id: TheoremWitness['id'],
  title: string,
  statement: string,
  scenario: Scenario,
  layer: FailoverLayer,
  options: WitnessOptions,
  safetyProps: Property[],
  runName: string,
): Promise<TheoremWitness> {
  const adapter = options.adapter ?? sim();
  const run = await judge(runName, scenario, layer, adapter, [...safetyProps, ...LIVENESS]);
  const safety = isViolated(run, safetyProps);
  const liveness = isViolated(run, LIVENESS);
  const broken = brokenOf(safety, liveness);
  const conclusion =
    broken === 'neither'
      ? `${layer.name} kept both safety and liveness in this witness.`
      : `${layer.name} ${safety ? 'retried and broke safety' : 'did not retry and broke liveness'}. ${firstViolation(run)}`;
  return { id, title, statement, layer: layer.name, runs: [run], broken, shown: broken !== 'neither', conclusion };
}

/** Theorem 2 (FADD non-idempotency): retrying a FETCH_ADD whose ACK was lost counts it twice. */
export function faddDoubleCount(layer: FailoverLayer, options: WitnessOptions = {}): Promise<TheoremWitness> {
  return single(
    'fadd-double-count',
    'Theorem 2: FADD is not idempotent',
    'Executing FADD(a, d) twice, d != 0, leaves a different memory than once: a retried FETCH_ADD whose ACK was lost is counted twice.',
    FADD_DOUBLE_COUNT,
    layer,
    options,
    [properties.atMostOnce, properties.linearizability],
    'FETCH_ADD [0] +1, ACK lost on path 0',
  );
}

/** Theorem 2 (queue sliding): retrying a SEND whose ACK was lost consumes the next RECV. */
export function queueSliding(layer: FailoverLayer, options: WitnessOptions = {}): Promise<TheoremWitness> {
  return single(
    'queue-sliding',
    'Theorem 2: queue sliding (two-sided non-idempotency)',
    "Retrying a SEND consumes an additional receive WQE: M1's retry lands in R2, and the message-to-buffer mapping stays shifted.",
    QUEUE_SLIDING,
    layer,
    options,
    [properties.noQueueSliding, properties.atMostOnce],
    "SEND M1, ACK lost on path 0; M2 after M1's completion",
  );
}

/** Theorem 2 (CAS retry): under a concurrent CAS(1->0), a retried CAS(0->1) succeeds twice. */
export function casDoubleSuccess(layer: FailoverLayer, options: WitnessOptions = {}): Promise<TheoremWitness> {
  return single(
    'cas-double-success',
    'Theorem 2: CAS retry succeeds twice (ABA)',
    "S's CAS(a,0,1) succeeds, P's CAS(a,1,0) succeeds, S retries CAS(a,0,1) and succeeds again: S's single CAS took effect twice and P's update was lost.",
    CAS_ABA,
    layer,
    options,
    [properties.atMostOnce, properties.linearizability],
    'CAS [0] 0->1, ACK lost; third party CAS [0] 1->0',
  );
}

/** Theorem 3: no read-based verification decides whether a CAS executed; the ABA defeats it (run it against readVerify). */
export function theorem3Aba(layer: FailoverLayer, options: WitnessOptions = {}): Promise<TheoremWitness> {
  return single(
    'theorem-3-aba',
    'Theorem 3: the consensus barrier defeats read-verify',
    'A failover solver that decides from memory whether a CAS executed would solve 2-consensus from registers (consensus number 1); after ABA the word reads as if the CAS never ran.',
    CAS_ABA,
    layer,
    options,
    [properties.atMostOnce, properties.linearizability],
    'CAS [0] 0->1, ACK lost; third party CAS [0] 1->0; the layer reads B[0] before retrying',
  );
}

/** Every witness for one layer (Theorem 3's is meaningful for read-verify-like layers). */
export async function theoremWitnesses(layer: FailoverLayer, options: WitnessOptions = {}): Promise<TheoremWitness[]> {
  return [
    await theorem1TwinPair(layer, options),
    await faddDoubleCount(layer, options),
    await queueSliding(layer, options),
    await casDoubleSuccess(layer, options),
    await theorem3Aba(layer, options),
  ];
}
