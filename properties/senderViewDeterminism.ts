/**
 * sender-view-determinism: a layer's decisions are a function of its observations. Checked two
 * ways: (1) replaying the recorded observations into fresh instances reproduces the recorded
 * decisions, with every clock and random source pinned to an extreme (catches Math.random, wall
 * clocks, global state); (2) the twin scenario that differs only in what the sender cannot see
 * (request lost vs ACK lost, at the same match) gives the sender the same decisions while its
 * observations agree (catches hidden side channels, e.g. module-level state shared by the A and
 * B instances). For a transparent layer the twin pair is the paper's Theorem 1 witness.
 */
import type { Execution } from '../src/core/execution';
import type { Verdict } from '../src/core/property';
import type { DecisionEvent, TraceEvent } from '../src/core/trace';
import { isDecision } from '../src/core/trace';
import { fmtTime } from './support/describe';
import { replayRun } from './support/replay';
import type { ReplayDivergence, ReplayedDecision } from './support/replay';
import { defineProperty } from './support/safe';
import { compareWithTwin, twinRepeatsRun, twinScenario } from './support/twin';
import type { TwinComparison } from './support/twin';

/** The sender-view-determinism property. */
export const senderViewDeterminism = defineProperty(
  'sender-view-determinism',
  "a layer's decisions are a function of its observations (replay and twin checks)",
  (run) => {
    const low = { calls: 0 };
    const d = replayRun(run, 'low', low);
    if (d) return replayViolation(d);
    // The two worlds differ only in what clocks and Math.random return: a layer that consulted
    // none of them in the low world decides the same in the high one, so that replay is skipped
    // (a third of this property's re-runs; issue 13).
    if (low.calls > 0) {
      const h = replayRun(run, 'high');
      if (h) return replayViolation(h);
    }
    const twin = twinScenario(run.scenario);
    if (!twin) return { status: 'holds' };
    if (!run.adapter.capabilities.deterministic) {
      return {
        status: 'unknown',
        reason: `sender-view-determinism: the replay agrees, but the ${run.adapter.name} adapter is not deterministic, so the twin comparison is meaningless`,
      };
    }
    if (twinRepeatsRun(run)) return { status: 'holds' };
    const compared = compareWithTwin(run, twin, 'A');
    if (compared instanceof Promise) return compared.then((c) => compareTwins(run, c));
    return compareTwins(run, compared);
  },
);

function compareTwins(run: Execution, { split, twin }: TwinComparison): Verdict {
  if (!split) return { status: 'holds' };
  // A run cut short (event limit, work budget) simply has no further decisions: no evidence.
  // (A split with no twin event comes only from a twin that ran to its end, so `twin` is there.)
  const cut = (x: Execution | undefined): boolean => x?.end.reason === 'event-limit' || x?.end.reason === 'work-budget';
  if ((split.original === undefined && cut(run)) || (split.twin === undefined && cut(twin))) return { status: 'holds' };
  const at = split.original ?? split.twin!;
  const saw = split.lastCommon ? `${split.lastCommon.kind} at t=${fmtTime(split.lastCommon.t)}` : 'the start';
  return {
    status: 'violated',
    explanation:
      `A's layer saw exactly the same observations (up to ${saw}) in this run and in its twin where every lost request is a lost response instead, ` +
      `yet it decided ${decisionText(split.original)} here and ${decisionText(split.twin)} in the twin (t=${fmtTime(at.t)}). ` +
      "Its decisions depend on something the sender cannot observe: a side channel such as state shared with B's instance.",
    events: [split.lastCommon?.i, split.original && isDecision(split.original) ? split.original.i : undefined].filter(
      (x): x is number => x !== undefined,
    ),
  };
}

function replayViolation(d: ReplayDivergence): Verdict {
  const handling = d.during ? `while handling ${d.during.kind} at t=${fmtTime(d.during.t)}` : 'when it was created';
  const calls = d.nondeterminism.length > 0 ? ` It called ${d.nondeterminism.join(', ')} during the replay.` : '';
  return {
    status: 'violated',
    explanation:
      `Replaying ${d.host}'s recorded observations into a fresh instance changed its decisions: ${handling} it decided ` +
      `${decisionText(d.replayed)} instead of the recorded ${decisionText(d.recorded)}, so its decisions are not a function of its observations ` +
      `(a random number, a clock, or state kept outside the instance).${calls}`,
    events: [d.during?.i, d.recorded?.i].filter((x): x is number => x !== undefined),
  };
}

/** A decision in a few words: "Post WR 1 on path 1", "nothing". */
function decisionText(d: TraceEvent | DecisionEvent | ReplayedDecision | undefined): string {
  if (!d) return 'nothing';
  const r = d as Record<string, unknown> & { kind: string };
  switch (r.kind) {
    case 'Post':
      return `Post WR ${(r.wr as { id: number }).id} (${(r.wr as { opcode: string }).opcode}) on path ${r.path}`;
    case 'PostRecv':
      return `PostRecv ${(r.wr as { id: number }).id} on path ${r.path}`;
    case 'Reset':
      return `Reset path ${r.path} (sq PSN ${String(r.sqPsn ?? 0)}, rq PSN ${String(r.rqPsn ?? 0)})`;
    case 'MoveToError':
      return `MoveToError path ${r.path}`;
    case 'Deliver': {
      const wc = r.wc as { wrId: number; status: string; value?: number };
      const forWr = r.forWr !== undefined ? ` for the peer's WR ${String(r.forWr)}` : '';
      return `Deliver WR ${wc.wrId} ${wc.status}${wc.value !== undefined ? ` value ${wc.value}` : ''}${forWr}`;
    }
    case 'SetTimer':
      return `SetTimer ${r.token} in ${fmtTime(r.delayNs as number)}`;
    case 'SendControl':
      return `SendControl ${JSON.stringify(r.msg)}`;
    case 'MemOp':
      return `memory.${r.op}(${r.addr}${r.forWr !== undefined ? `, { forWr: ${String(r.forWr)} }` : ''})`;
    default:
      return `nothing (its next event is the observation ${r.kind})`;
  }
}
