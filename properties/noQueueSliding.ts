/**
 * no-queue-sliding: delivered messages occupy the receive buffers in posting order, each once:
 * the k-th delivered message lands in the k-th posted RECV, and no RECV is consumed by a
 * duplicate (the paper's Theorem 2, two-sided non-idempotency).
 */
import type { Verdict } from '../src/core/property';
import type { LayerHost } from '../src/core/verbs';
import { consumesRecv } from '../src/core/verbs';
import { sharedAppRecvs, sharedAppWrs, canonical } from './support/history';
import type { AppRecv, AppWr } from './support/history';
import { describeRecv, describeWr, fmtTime } from './support/describe';
import { ATTRIBUTION_DOC } from './support/attribution';
import { defineProperty } from './support/safe';

/** One message landing in one application RECV, and the event that shows it. */
interface Landing {
  msg: AppWr;
  recv: AppRecv;
  event: number;
  t: number;
  how: string;
  /** Matched by payload: the receiver's layer delivered it without forWr. */
  unattributed?: true;
}

/** The no-queue-sliding property. */
export const noQueueSliding = defineProperty(
  'no-queue-sliding',
  'the k-th delivered message lands in the k-th posted RECV, each exactly once',
  (run) => {
    const wrs = sharedAppWrs(run.trace);
    const recvs = sharedAppRecvs(run.trace);
    for (const sender of ['A', 'B'] as const) {
      const receiver: LayerHost = sender === 'A' ? 'B' : 'A';
      const v = checkDirection(
        wrs.filter((w) => w.host === sender && consumesRecv(w.wr.opcode)),
        recvs.filter((r) => r.host === receiver),
      );
      if (v.status !== 'holds') return v;
    }
    return { status: 'holds' };
  },
);

function checkDirection(msgs: AppWr[], recvs: readonly AppRecv[]): Verdict {
  if (msgs.length === 0 || recvs.length === 0) return { status: 'holds' };
  const landings = findLandings(msgs, recvs);
  const byMsg = new Map<AppWr, Landing>();
  const byRecv = new Map<AppRecv, Landing>();
  for (const l of landings) {
    const again = byMsg.get(l.msg);
    if (again) {
      return {
        status: 'violated',
        explanation:
          `${describeWr(l.msg.host, l.msg.wr)} landed twice at ${l.recv.host}: in ${describeRecv(again.recv.host, again.recv.id)} ${again.how} at t=${fmtTime(again.t)} ` +
          `and again in ${describeRecv(l.recv.host, l.recv.id)} ${l.how} at t=${fmtTime(l.t)}. ` +
          'Queue sliding: the retry consumed a buffer meant for a later message, so the message-to-buffer mapping is shifted from here on.' +
          attributionNote(again, l),
        events: [l.msg.post.i, again.event, l.event],
      };
    }
    const taken = byRecv.get(l.recv);
    if (taken) {
      return {
        status: 'violated',
        explanation:
          `${describeRecv(l.recv.host, l.recv.id)} received two messages: ${describeWr(taken.msg.host, taken.msg.wr)} at t=${fmtTime(taken.t)} ` +
          `and ${describeWr(l.msg.host, l.msg.wr)} at t=${fmtTime(l.t)}; each buffer must hold exactly one message.` +
          attributionNote(taken, l),
        events: [taken.event, l.event],
      };
    }
    byMsg.set(l.msg, l);
    byRecv.set(l.recv, l);
  }
  // The delivered messages, in the sender's posting order, must fill the RECVs in posting order.
  const delivered = msgs.filter((m) => byMsg.has(m));
  for (let k = 0; k < delivered.length; k++) {
    const l = byMsg.get(delivered[k])!;
    const expected = recvs[k];
    if (l.recv === expected) continue;
    return {
      status: 'violated',
      explanation:
        `${describeWr(l.msg.host, l.msg.wr)} is delivered message #${k + 1} but landed in ${describeRecv(l.recv.host, l.recv.id)} ` +
        `instead of ${expected ? describeRecv(expected.host, expected.id) : `RECV #${k + 1}`} (t=${fmtTime(l.t)}): the message-to-buffer mapping is shifted.` +
        attributionNote(l),
      events: [l.msg.post.i, l.event],
    };
  }
  return { status: 'holds' };
}

/**
 * Where each message landed, in trace order. A RecvConsumed of an application RECV names it
 * directly, and so does a RECV completion the receiver's layer attributed with `forWr`; an
 * unattributed completion of a layer that receives into its own buffers is matched by the
 * payload it delivered, when exactly one message carries that payload.
 */
function findLandings(msgs: AppWr[], recvs: readonly AppRecv[]): Landing[] {
  const msgById = new Map(msgs.map((m) => [m.wr.id, m]));
  const landings: Landing[] = [];
  for (const r of recvs) {
    for (const c of r.consumptions) {
      const msg = msgById.get(c.wr);
      if (msg && c.from === msg.host) landings.push({ msg, recv: r, event: c.i, t: c.t, how: `via path ${c.path}` });
    }
    if (r.consumptions.length > 0) continue;
    for (const d of r.deliveries) {
      if (d.wc.status !== 'SUCCESS') continue;
      if (d.forWr !== undefined) {
        const msg = msgById.get(d.forWr);
        if (msg) landings.push({ msg, recv: r, event: d.i, t: d.t, how: `(delivered by ${r.host}'s layer)` });
        continue;
      }
      const sig = canonical({ value: d.wc.value, imm: d.wc.imm });
      const same = msgs.filter(
        (m) => canonical({ value: m.wr.opcode === 'SEND' ? m.wr.value : undefined, imm: m.wr.imm }) === sig,
      );
      if (same.length === 1)
        landings.push({
          msg: same[0],
          recv: r,
          event: d.i,
          t: d.t,
          how: `(delivered by ${r.host}'s layer without forWr, matched by its payload)`,
          unattributed: true,
        });
    }
  }
  return landings.sort((a, b) => a.event - b.event);
}

/**
 * How to attribute, when a violation rests on a landing matched by payload: the receiver's layer
 * delivered it without naming the message, so the match may be wrong.
 */
function attributionNote(...ls: Landing[]): string {
  const guessed = ls.find((l) => l.unattributed);
  if (!guessed) return '';
  return (
    ` (${guessed.recv.host}'s layer did not say whose message it delivered; if it received ${describeWr(guessed.msg.host, guessed.msg.wr)} itself, ` +
    `name it: env.deliver(recvWc, { forWr: ${guessed.msg.wr.id} }), ${ATTRIBUTION_DOC}.)`
  );
}
