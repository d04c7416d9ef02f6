/**
 * Inference of what real NICs do not show: whether the responder executed a WR (Execute) and
 * whether a request or its response was lost (PacketLost, AckLost). Evidence: each WR's
 * completion (SUCCESS means executed exactly once on that QP), the words the NICs changed in each
 * host's memory (polled), and the RECVs consumed (their bodies name the sender's WR). Every event
 * made here carries `inferred: true`; where memory cannot tell (a WRITE of the value already
 * there, a CMP_SWAP whose compare failed) nothing is inferred.
 */
import type { LayerHost } from '../../src/core/verbs';
import type { NewEvent } from './config';
import type { NicWrite, Outcome } from './hostContext';

/** An event with its time, before indices are assigned. */
export interface Timed {
  e: NewEvent;
  t: number;
}

/** Tolerance on times compared across the two hosts' clocks (their offset is estimated). */
const CLOCK_SLACK_NS = 5_000_000;

/** Infers Execute / PacketLost / AckLost events, and names the sender of WRITE_WITH_IMM RECVs. */
export function inferNetworkEvents(outcomes: Outcome[], nicWrites: NicWrite[], recvConsumed: Timed[]): Timed[] {
  const out: Timed[] = [];
  const claimedWrites = new Set<NicWrite>();
  const claimedRecvs = new Set<Timed>();
  const ordered = [...outcomes].sort((x, y) => x.postedAt - y.postedAt);
  // FETCH_ADD increments nobody claimed yet, per host and address (polling may merge two adds).
  const unexplainedAdds = new Map<string, number>();
  const addsLedger = (target: LayerHost, addr: number): number => {
    const key = `${target}:${addr}`;
    if (!unexplainedAdds.has(key)) {
      const total = nicWrites
        .filter((w) => w.host === target && w.addr === addr)
        .reduce((s, w) => s + (w.value - w.old), 0);
      const succeeded = outcomes
        .filter((o) => o.host !== target && o.wr.opcode === 'FETCH_ADD' && o.wr.addr === addr && o.status === 'SUCCESS')
        .reduce((s, o) => s + (o.wr.add ?? 0), 0);
      unexplainedAdds.set(key, total - succeeded);
    }
    return unexplainedAdds.get(key)!;
  };

  for (const o of ordered) {
    const target: LayerHost = o.host === 'A' ? 'B' : 'A';
    const wr = o.wr;
    const after = (t: number) => t >= o.postedAt - CLOCK_SLACK_NS;
    const ok = o.status === 'SUCCESS';
    const lastT = o.completedAt ?? o.postedAt;
    const executed = (t: number, fields: { value?: number; old?: number } = {}) =>
      out.push({
        t,
        e: {
          kind: 'Execute',
          host: target,
          path: o.path,
          from: o.host,
          wr: wr.id,
          op: wr.opcode,
          psn: -1,
          ...(wr.addr !== undefined && wr.opcode !== 'SEND' ? { addr: wr.addr } : {}),
          ...fields,
          status: 'SUCCESS',
          inferred: true,
        },
      });
    const ackLost = (t: number) => {
      if (o.status === 'RETRY_EXC_ERR') {
        out.push({
          t: t + 1,
          e: {
            kind: 'AckLost',
            host: 'net',
            path: o.path,
            wr: wr.id,
            psn: -1,
            inferred: true,
            reason: 'inferred: the requester saw RETRY_EXC_ERR although the effect is at the responder',
          },
        });
      }
    };
    const packetLost = () => {
      if (o.status === 'RETRY_EXC_ERR') {
        out.push({
          t: o.postedAt + 1,
          e: {
            kind: 'PacketLost',
            host: 'net',
            path: o.path,
            wr: wr.id,
            psn: -1,
            inferred: true,
            reason: 'inferred: RETRY_EXC_ERR and no effect at the responder',
          },
        });
      }
    };
    const findWrite = (match: (w: NicWrite) => boolean) =>
      nicWrites.find((w) => !claimedWrites.has(w) && w.host === target && w.addr === wr.addr && after(w.t) && match(w));

    switch (wr.opcode) {
      case 'SEND':
      case 'WRITE_WITH_IMM': {
        const rc = recvConsumed.find((r) => {
          if (claimedRecvs.has(r) || r.e.kind !== 'RecvConsumed' || r.e.host !== target || r.e.from !== o.host)
            return false;
          return wr.opcode === 'SEND' ? r.e.wr === wr.id : r.e.wr === -1 && (r.e.imm ?? 0) === (wr.imm ?? 0) >>> 0;
        });
        if (rc) {
          claimedRecvs.add(rc);
          if (rc.e.kind === 'RecvConsumed' && wr.opcode === 'WRITE_WITH_IMM') rc.e.wr = wr.id;
          executed(rc.t - 1, wr.value !== undefined ? { value: wr.value } : {});
          if (!ok) ackLost(rc.t);
        } else if (ok) {
          executed(lastT - 1);
        } else packetLost();
        break;
      }
      case 'WRITE': {
        const w = findWrite((x) => x.value === (wr.value ?? 0));
        if (w) claimedWrites.add(w);
        if (ok || w) {
          executed(w ? w.t : lastT - 1, { value: wr.value ?? 0, ...(w ? { old: w.old } : {}) });
          if (!ok && w) ackLost(w.t);
        } else packetLost();
        break;
      }
      case 'FETCH_ADD': {
        const add = wr.add ?? 0;
        if (ok) {
          const w = findWrite((x) => x.old === o.value && x.value === (o.value ?? 0) + add);
          if (w) claimedWrites.add(w);
          executed(w ? w.t : lastT - 1, { old: o.value });
          break;
        }
        const left = addsLedger(target, wr.addr ?? 0);
        if (add !== 0 && left >= add) {
          unexplainedAdds.set(`${target}:${wr.addr ?? 0}`, left - add);
          const w = findWrite((x) => x.value - x.old >= add);
          if (w) claimedWrites.add(w);
          executed(w ? w.t : o.postedAt + 1);
          ackLost(w ? w.t : o.postedAt + 1);
        } else packetLost();
        break;
      }
      case 'CMP_SWAP': {
        if (ok) {
          const w = findWrite((x) => x.old === o.value && x.value === wr.swap);
          if (w) claimedWrites.add(w);
          executed(w ? w.t : lastT - 1, { old: o.value });
          break;
        }
        const w = findWrite((x) => x.old === (wr.compare ?? 0) && x.value === (wr.swap ?? 0));
        if (w) {
          claimedWrites.add(w);
          executed(w.t, { old: w.old });
          ackLost(w.t);
        }
        // A CMP_SWAP whose compare failed leaves no trace in memory: nothing can be inferred.
        break;
      }
      case 'READ':
        if (ok) executed(lastT - 1, o.value !== undefined ? { value: o.value } : {});
        break;
    }
  }
  return out;
}
