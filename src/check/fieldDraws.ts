/**
 * Field draws: failure shapes that deployments meet and the per-fault draws of draft.ts reach
 * only by luck, each drawn in a rare share of scenarios and added to the finished scenario:
 * - shared fate: one component under every path fails at once and comes back (a host's PCIe
 *   switch or power: every NIC of the host; a top-of-rack switch: every link);
 * - a CPU pause: a host's layer stalls (GC, descheduling, a VM stall) as a WR lands, for
 *   microseconds to tens of milliseconds;
 * - a path lost after an execution: the path dies right after a WR executed, before anything
 *   else on it returns, and, for a WRITE, the receiver consumes and reuses the word it wrote
 *   (the paper's T2).
 * They are keys appended after every other key of the draft record (scenarioArbitrary), so the
 * rest of a draft is drawn as before they existed, and a scenario where none fires is unchanged.
 */
import fc from 'fast-check';
import type { Anchor, Fault, FaultKind, Scenario, WorkloadStep } from '../core/scenario';
import { DEFAULT_CONFIG } from '../core/scenario';
import type { LayerHost } from '../core/verbs';
import type { RawAnchor } from './draft';
import { OUT_OF_RANGE_ADDR } from './draft';
import { rarely } from './draw-vocabulary';

/** What each field draw adds to a run, as an audit's "what holds means" paragraph says it. */
const DRAW_PHRASES: { phrase: string; needs: readonly FaultKind[] }[] = [
  { phrase: 'every path failing at once and healing', needs: ['nic-death', 'link-down'] },
  { phrase: 'a CPU pause as a WR executes', needs: ['pause'] },
  { phrase: 'a path lost right after a WR executed', needs: ['nic-death', 'link-down'] },
];

/**
 * What the field draws add to a run's faults when the audit draws `kinds` (undefined: every
 * kind), for the "what holds means" paragraph; undefined when none of them can fire.
 */
export function fieldDrawsSummary(kinds: readonly FaultKind[] | undefined): string | undefined {
  const phrases = DRAW_PHRASES.filter((d) => d.needs.some((k) => allowed(kinds, k))).map((d) => d.phrase);
  return phrases.length === 0 ? undefined : `each in about one run in 8, ${phrases.join(', or ')}`;
}

/** True when an audit drawing `kinds` (undefined: every kind) may plant a fault of `kind`. */
function allowed(kinds: readonly FaultKind[] | undefined, kind: FaultKind): boolean {
  return kinds === undefined || kinds.includes(kind);
}

/** One scenario in SHARED_FATE_ODDS has a shared-fate failure. */
const SHARED_FATE_ODDS = 8;
/** One scenario in PAUSE_ODDS has a CPU pause. */
const PAUSE_ODDS = 8;
/** One scenario in LOST_AFTER_EXECUTION_ODDS loses a path right after a WR executed. */
const LOST_AFTER_EXECUTION_ODDS = 8;

/**
 * Pause lengths, log-uniform from PAUSE_MIN_NS to the longest (below): every decade as likely as
 * the next, so that a stall meets a layer's timers of microseconds (a poll, a progress step) as
 * often as its milliseconds (a probe, a hedge). PAUSE_STEPS steps over the range.
 */
const PAUSE_MIN_NS = 1_000;
const PAUSE_STEPS = 1_000;
/**
 * The longest pause: PAUSE_MAX_NS, and at most a PAUSE_BUDGET_SHARE-th of the run's liveness
 * budget, the bound the generator's other outages keep (they heal within 1 ms of a 5 ms budget:
 * completionLog's giveUpAfterNs lies between). A longer stall would be a host the peer may rightly
 * give up on, or would end the run in the middle of the pause (the budget is charged while a
 * layer cannot act). PAUSE_MAX_NS also bounds the RNR NAK storm a stalled receiver that cannot
 * re-post its RECVs causes at rnrRetry 7 (one round trip per 10 us RNR timer), within maxEvents.
 */
const PAUSE_MAX_NS = 20_000_000;
const PAUSE_BUDGET_SHARE = 5;

/** The draws, as the draft record holds them (undefined: the shape is not in this scenario). */
export interface FieldDraws {
  sharedFate: SharedFateDraw | undefined;
  pause: PauseDraw | undefined;
  lostAfterExecution: LostAfterExecutionDraw | undefined;
}

/** Every path fails at once: each of `host`'s NICs ('host'), or each link ('switch'); back after healAfterNs. */
export interface SharedFateDraw {
  component: 'host' | 'switch';
  host: LayerHost;
  after: RawAnchor;
  healAfterNs: number;
}

/**
 * `host`'s CPU stalls as WR `wr` (clamped to a posted WR) first executes, for a length `scale` of
 * PAUSE_STEPS of the way, on a log scale, from PAUSE_MIN_NS to the longest pause (pauseNs).
 */
export interface PauseDraw {
  host: LayerHost;
  wr: number;
  scale: number;
}

/**
 * Right after the `op`-th application WR (mod their number; one with an address inside the
 * memory, or a SEND) first executes, path 0 is lost for good: its link ('link'), the responder's
 * NIC or the requester's. When that WR is a WRITE, B's application waits for the value it lands,
 * then writes `value` over it.
 */
export interface LostAfterExecutionDraw {
  op: number;
  component: 'link' | 'responder-nic' | 'requester-nic';
  value: number;
}

const host = fc.constantFrom<LayerHost>('A', 'B');

/** The arbitraries of the field draws, keyed as FieldDraws (spread last into the draft record). */
export function fieldDrawArbitraries(
  anchor: fc.Arbitrary<RawAnchor>,
  maxOps: number,
): { [K in keyof FieldDraws]: fc.Arbitrary<FieldDraws[K]> } {
  return {
    // A shared component dies, so every path dies with it; it comes back (a reboot, a power
    // cycle), which is what makes a layer that gave up a layer that failed to mask it.
    sharedFate: rarely(
      SHARED_FATE_ODDS,
      fc.record({
        component: fc.constantFrom<SharedFateDraw['component']>('host', 'switch'),
        host,
        after: anchor,
        healAfterNs: fc.integer({ min: 10_000, max: 1_000_000 }),
      }),
    ),
    pause: rarely(
      PAUSE_ODDS,
      // As a WR lands: its completion is then outstanding at both hosts, so the stall delays
      // what either layer does about it (a pause anchored anywhere may never begin).
      fc.record({ host, wr: fc.integer({ min: 1, max: maxOps }), scale: fc.integer({ min: 0, max: PAUSE_STEPS }) }),
    ),
    // Not healed: a path that comes back within the NIC's retries loses nothing (they resend).
    lostAfterExecution: rarely(
      LOST_AFTER_EXECUTION_ODDS,
      fc.record({
        op: fc.nat(maxOps - 1),
        component: fc.constantFrom<LostAfterExecutionDraw['component']>('link', 'responder-nic', 'requester-nic'),
        value: fc.integer({ min: 10, max: 19 }),
      }),
    ),
  };
}

/**
 * `s` with the field draws that fired added: their faults after s's own, the reuse of a path lost
 * after a WRITE in place of s's reuse. Applied to the finished scenario (the stack's given
 * settings in place), so that a pause past the retry cycle is past the cycle the run has. Total:
 * every reference is clamped to what exists, and a draw with nothing to act on adds nothing.
 */
export function withFieldDraws(s: Scenario, drawn: FieldDraws, kinds?: readonly FaultKind[]): Scenario {
  const d = withinKinds(drawn, kinds);
  const wrIds = s.workload.flatMap((w) => (w.kind === 'post' ? [w.wr.id] : []));
  if (wrIds.length === 0) return s;
  // A raw WR reference clamped to a posted WR, as toScenario clamps the faults' own.
  const anchorOf = (a: RawAnchor): Anchor =>
    a.on === 'start'
      ? { on: 'start' }
      : { on: a.on, wr: wrIds[(a.wr - 1) % wrIds.length], ...(a.nth > 1 ? { nth: a.nth } : {}) };
  const paths = s.config?.paths ?? DEFAULT_CONFIG.paths;
  let { workload, faults } = s;
  if (d.lostAfterExecution)
    ({ workload, faults } = lostAfterExecution({ ...s, workload, faults }, d.lostAfterExecution));
  if (d.sharedFate) faults = [...faults, ...sharedFate(d.sharedFate, paths, anchorOf(d.sharedFate.after))];
  if (d.pause) {
    const durationNs = pauseNs(d.pause.scale, s.config?.livenessNs ?? DEFAULT_CONFIG.livenessNs);
    const after = anchorOf({ on: 'execute', wr: d.pause.wr, nth: 1 });
    faults = [...faults, { kind: 'pause', host: d.pause.host, after, durationNs }];
  }
  return workload === s.workload && faults === s.faults ? s : { ...s, workload, faults };
}

/**
 * The draws an audit restricted to `kinds` (CheckOptions.faultKinds, an adapter's capabilities)
 * may plant: a draw whose fault kind is left out does not fire (the keys are drawn all the same,
 * so the rest of a draft is unchanged).
 */
function withinKinds(d: FieldDraws, kinds: readonly FaultKind[] | undefined): FieldDraws {
  if (kinds === undefined) return d;
  const fate = d.sharedFate;
  const lost = d.lostAfterExecution;
  return {
    sharedFate: fate && allowed(kinds, fate.component === 'host' ? 'nic-death' : 'link-down') ? fate : undefined,
    pause: d.pause && allowed(kinds, 'pause') ? d.pause : undefined,
    lostAfterExecution:
      lost && allowed(kinds, lost.component === 'link' ? 'link-down' : 'nic-death') ? lost : undefined,
  };
}

/** One fault per path, all at the same moment, all healed together. */
function sharedFate(f: SharedFateDraw, paths: number, after: Anchor): Fault[] {
  return Array.from({ length: paths }, (_, path): Fault =>
    f.component === 'host'
      ? { kind: 'nic-death', host: f.host, path, after, reviveAfterNs: f.healAfterNs }
      : { kind: 'link-down', path, direction: 'both', after, upAfterNs: f.healAfterNs },
  );
}

/**
 * A WR executes and the path it came on dies before anything after it returns (the ACK, the
 * rest of the request): the sender cannot tell it from a WR lost on the way, the shape every
 * re-sending layer must get right (Theorem 1). For a WRITE it is the paper's T2 as a deployment
 * meets it: the receiver, which polls its memory, consumes the data and reuses the buffer, and a
 * layer that re-sends the WRITE on another path overwrites the reused word.
 */
function lostAfterExecution(s: Scenario, f: LostAfterExecutionDraw): Pick<Scenario, 'workload' | 'faults'> {
  const ops = s.workload.flatMap((w) =>
    w.kind === 'post' && (w.wr.opcode === 'SEND' || (w.wr.addr !== undefined && w.wr.addr !== OUT_OF_RANGE_ADDR))
      ? [w.wr]
      : [],
  );
  if (ops.length === 0) return s;
  const wr = ops[f.op % ops.length];
  const after: Anchor = { on: 'execute', wr: wr.id };
  const fault: Fault =
    f.component === 'link'
      ? { kind: 'link-down', path: 0, direction: 'both', after }
      : { kind: 'nic-death', host: f.component === 'responder-nic' ? 'B' : 'A', path: 0, after };
  if (wr.opcode !== 'WRITE' && wr.opcode !== 'WRITE_WITH_IMM')
    return { workload: s.workload, faults: [...s.faults, fault] };
  const reuse: WorkloadStep = { kind: 'reuse', addr: wr.addr!, expect: wr.value!, value: f.value };
  return { workload: [...s.workload.filter((w) => w.kind !== 'reuse'), reuse], faults: [...s.faults, fault] };
}

/** A pause's length: `scale` of PAUSE_STEPS of the way from PAUSE_MIN_NS to the longest, on a log scale. */
function pauseNs(scale: number, livenessNs: number): number {
  const max = Math.max(PAUSE_MIN_NS, Math.min(PAUSE_MAX_NS, Math.floor(livenessNs / PAUSE_BUDGET_SHARE)));
  return Math.round(PAUSE_MIN_NS * (max / PAUSE_MIN_NS) ** (scale / PAUSE_STEPS));
}
