/**
 * A generated draft and how it becomes a Scenario: the shape scenarioArbitrary (arbitraries.ts)
 * draws, with raw WR and path references, and the conversion that clamps them to what exists.
 */
import type {
  Anchor,
  Fault,
  FaultKind,
  LinkDirection,
  NicProfile,
  Scenario,
  SimConfig,
  ThirdPartyOp,
  WorkloadStep,
} from '../core/scenario';
import type { Opcode, SendWr } from '../core/verbs';
import { ibTimerNs } from '../core/verbs';
import type { TargetedDraws } from './targeted';

/** An address past every host's memory (application words and layer words alike): REM_ACCESS_ERR. */
export const OUT_OF_RANGE_ADDR = 1 << 20;

/** The generated shape before it becomes a Scenario (paths and WR references still raw). */
export interface Draft {
  paths: number;
  retryCnt: number;
  timeout: number;
  /** A deployment's timeout instead of `timeout` (drawn last, so that the rest of a draft is as before it existed). */
  realisticTimeout: number | undefined;
  rnrRetry: number;
  ops: {
    opcode: Opcode;
    addr: number;
    value: number;
    add: number;
    compare: number;
    swap: number;
    afterPrevious: boolean;
    unsignaled: boolean;
  }[];
  extraRecvs: number;
  /** The receiver posts its first RECV only when the first message is retransmitted (RNR NAK). */
  lateRecv: boolean;
  reuse: { addr: number; expectOp: number; value: number }[];
  third: {
    op: ThirdPartyOp;
    addr: number;
    value: number;
    add: number;
    compare: number;
    swap: number;
    after: RawAnchor;
    /** free: its own operation; undo: undo a posted WR right after it executes (ABA); mimic: do what a posted WR does. */
    mode: 'free' | 'undo' | 'mimic';
  }[];
  faults: RawFault[];
  /** Targeted shapes (targeted.ts), drawn after everything else; absent: none. */
  targeted?: TargetedDraws;
}

export interface RawAnchor {
  on: 'start' | 'post' | 'send' | 'execute' | 'deliver';
  wr: number;
  nth: number;
}

export type RawFault = {
  kind: FaultKind;
  /** 'next': the path a layer fails over to after the faults before this one (see FAILOVER_ORDER_WEIGHT). */
  path: number | 'next';
  anyPath: boolean;
  wr: number;
  anyWr: boolean;
  nth: number;
  count: number | 'all';
  delayNs: number;
  /**
   * Set: the delay is measured from the requester's retransmission timer, plus delayNs / 1000 ns:
   * 'timer', one timer (a retransmission meets the original); 'cycle', the whole retry cycle
   * (retryCnt + 1 timers: the requester has just given up when the request arrives).
   */
  delayPast: 'timer' | 'cycle' | undefined;
  direction: 'request' | 'response';
  linkDirection: LinkDirection;
  host: 'A' | 'B';
  after: RawAnchor;
  healAfterNs: number | undefined;
};

/**
 * A raw fault with the given fields and the others as the kind ignores them (first packet, no
 * heal): how the targeted shapes (targeted.ts, straggler.ts, staleResponse.ts) plant theirs.
 */
export function rawFaultOf(f: Partial<RawFault> & Pick<RawFault, 'kind' | 'path'>): RawFault {
  return {
    anyPath: false,
    wr: 1,
    anyWr: false,
    nth: 1,
    count: 1,
    delayNs: 1_000,
    delayPast: undefined,
    direction: 'request',
    linkDirection: 'both',
    host: 'A',
    after: { on: 'start', wr: 1, nth: 1 },
    healAfterNs: undefined,
    ...f,
  };
}

/**
 * Fault locality: every fault hits the WR it names and is anchored to that WR's own send or
 * execution, as an encoding that interleaves posts and faults gets for free (the fault lands on
 * the WR just posted).
 */
export function localized(d: Draft): Draft {
  return { ...d, faults: d.faults.map((f) => localizedFault(f, f.after.nth)) };
}

/**
 * One fault made local to the WR it names: it hits that WR only and is anchored to the WR's own
 * execution (when its anchor was an execution) or send, at occurrence `nth`. Generator version 3
 * draws a share of faults this way (arbitraries.ts, LOCAL_FAULT_ODDS) with nth 1: a real fault
 * hits the WR in flight, so its first send or execution is where the fault follows it.
 */
export function localizedFault(f: RawFault, nth: number): RawFault {
  return { ...f, anyWr: false, after: { on: f.after.on === 'execute' ? 'execute' : 'send', wr: f.wr, nth } };
}

/** Turns a draft into a valid Scenario: WR and path references clamped to what exists. */
export function toScenario(d: Draft, maxEvents: number, livenessNs: number, nic: NicProfile | undefined): Scenario {
  const n = d.ops.length;
  const wrRef = (k: number) => ((k - 1) % n) + 1;
  const pathRef = (p: number) => p % d.paths;
  const anchorOf = (a: RawAnchor): Anchor =>
    a.on === 'start' ? { on: 'start' } : { on: a.on, wr: wrRef(a.wr), ...(a.nth > 1 ? { nth: a.nth } : {}) };
  const posts: WorkloadStep[] = d.ops.map((o, k) => {
    const id = k + 1;
    const wr = o.unsignaled && k < d.ops.length - 1 ? { ...makeWr(id, o), signaled: false } : makeWr(id, o);
    // A WR posted once the previous one completes: the application's own sequencing.
    return k > 0 && o.afterPrevious ? { kind: 'post', wr, after: { on: 'deliver', wr: id - 1 } } : { kind: 'post', wr };
  });
  const messages = d.ops.filter((o) => o.opcode === 'SEND' || o.opcode === 'WRITE_WITH_IMM').length;
  const firstMessage = d.ops.findIndex((o) => o.opcode === 'SEND' || o.opcode === 'WRITE_WITH_IMM') + 1;
  // A late first RECV: the first message meets no buffer (an RNR NAK); the RECV is posted when the
  // NIC retransmits it after the RNR timer (with rnrRetry 0 there is no retransmission: posted on time).
  const lateRecv: Anchor | undefined =
    d.lateRecv && d.rnrRetry > 0 ? { on: 'send', wr: firstMessage, nth: 2 } : undefined;
  const recvs: WorkloadStep[] =
    messages === 0
      ? []
      : Array.from({ length: messages + d.extraRecvs }, (_, k) =>
          k === 0 && lateRecv ? { kind: 'recv', wr: { id: 1 }, after: lateRecv } : { kind: 'recv', wr: { id: k + 1 } },
        );
  const writes = d.ops
    .map((o, k) => ({ o, id: k + 1 }))
    .filter(({ o }) => (o.opcode === 'WRITE' || o.opcode === 'WRITE_WITH_IMM') && o.addr !== OUT_OF_RANGE_ADDR);
  const reuse: WorkloadStep[] =
    writes.length === 0
      ? []
      : d.reuse.map((r) => {
          // The receiver waits for the value one of the WRITEs delivers, then consumes and reuses it.
          const { o } = writes[r.expectOp % writes.length];
          return { kind: 'reuse', addr: o.addr, expect: o.value, value: r.value };
        });
  const third: WorkloadStep[] = d.third.map((t) =>
    t.mode === 'undo'
      ? undoOf(d, t.after.wr)
      : t.mode === 'mimic'
        ? mimicOf(d, t.after.wr)
        : {
            kind: 'third',
            op: t.op,
            addr: t.addr,
            ...(t.op === 'WRITE'
              ? { value: t.value }
              : t.op === 'FETCH_ADD'
                ? { add: t.add }
                : { compare: t.compare, swap: t.swap }),
            ...(t.after.on === 'start' ? {} : { after: anchorOf(t.after) }),
          },
  );
  const timeout = d.realisticTimeout ?? d.timeout;
  const faults = d.faults.map((f, k): Fault => {
    const path = pathRef(f.path === 'next' ? k : f.path);
    const packetMatch = {
      ...(f.anyPath ? {} : { path }),
      ...(f.anyWr ? {} : { wr: wrRef(f.wr) }),
      ...(f.nth > 1 ? { nth: f.nth } : {}),
    };
    switch (f.kind) {
      case 'drop-request':
      case 'drop-response':
        return { kind: f.kind, ...packetMatch, count: f.count };
      case 'delay':
        return {
          kind: 'delay',
          direction: f.direction,
          delayNs: delayOf(f, timeout, d.retryCnt),
          ...packetMatch,
          ...(f.count === 1 ? {} : { count: f.count }),
        };
      case 'link-down':
        return {
          kind: 'link-down',
          path,
          direction: f.linkDirection,
          after: anchorOf(f.after),
          ...(f.healAfterNs !== undefined ? { upAfterNs: f.healAfterNs } : {}),
        };
      case 'nic-death':
        return {
          kind: 'nic-death',
          host: f.host,
          path,
          after: anchorOf(f.after),
          ...(f.healAfterNs !== undefined ? { reviveAfterNs: f.healAfterNs } : {}),
        };
      case 'qp-error':
        return { kind: 'qp-error', host: f.host, path, after: anchorOf(f.after) };
      case 'corrupt-wqe':
        return { kind: 'corrupt-wqe', path, wr: wrRef(f.wr) };
      case 'pause': // drawn by fieldDraws.ts only (given.ts FIELD_ONLY_FAULT_KINDS)
        throw new Error('scenarioArbitrary: the per-fault draw has no pause faults');
      case 'control-loss':
        return {
          kind: 'control-loss',
          after: anchorOf(f.after),
          ...(f.healAfterNs !== undefined ? { restoreAfterNs: f.healAfterNs } : {}),
        };
    }
  });
  const config: Partial<SimConfig> = {
    paths: d.paths,
    retryCnt: d.retryCnt,
    timeout,
    rnrRetry: d.rnrRetry,
    maxEvents,
    livenessNs,
    ...(nic === undefined ? {} : { nic }),
  };
  return { config, workload: [...recvs, ...posts, ...reuse, ...third], faults };
}

/**
 * A delay fault's length: drawn as is, or just past the requester's retransmission timer or its
 * whole retry cycle, the edge where slow and lost look the same to the sender (Theorem 1): a
 * few hundred ns past it, the request arrives while the requester has retransmitted it or has just
 * given up and its layer is failing over.
 */
function delayOf(f: RawFault, timeout: number, retryCnt: number): number {
  if (f.delayPast === undefined) return f.delayNs;
  const timers = f.delayPast === 'timer' ? 1 : retryCnt + 1;
  return timers * ibTimerNs(timeout) + Math.ceil(f.delayNs / 1000);
}

/**
 * The third party undoes posted WR `ref` right after it executes: swaps a CAS back, subtracts an
 * add, restores a written word to 0. Executed twice, the WR then succeeds twice (ABA), and a
 * read of the word cannot tell that it ever executed (Theorem 3).
 */
function undoOf(d: Draft, ref: number): WorkloadStep {
  const k = (ref - 1) % d.ops.length;
  const o = inMemory(d.ops[k]);
  const after: Anchor = { on: 'execute', wr: k + 1 };
  if (o.opcode === 'CMP_SWAP')
    return { kind: 'third', op: 'CMP_SWAP', addr: o.addr, compare: o.swap, swap: o.compare, after };
  if (o.opcode === 'FETCH_ADD') return { kind: 'third', op: 'FETCH_ADD', addr: o.addr, add: -o.add, after };
  return { kind: 'third', op: 'WRITE', addr: o.addr, value: 0, after };
}

/**
 * The third party does what posted WR `ref` does, as it is sent: the same write, add or CAS. A
 * read of the word then looks as if the WR executed when it may not have (Theorem 3).
 */
function mimicOf(d: Draft, ref: number): WorkloadStep {
  const k = (ref - 1) % d.ops.length;
  const o = inMemory(d.ops[k]);
  const after: Anchor = { on: 'send', wr: k + 1 };
  if (o.opcode === 'CMP_SWAP')
    return { kind: 'third', op: 'CMP_SWAP', addr: o.addr, compare: o.compare, swap: o.swap, after };
  if (o.opcode === 'FETCH_ADD') return { kind: 'third', op: 'FETCH_ADD', addr: o.addr, add: o.add, after };
  return { kind: 'third', op: 'WRITE', addr: o.addr, value: o.value, after };
}

/** The op with its address inside the memory: a third party's or the receiver's word must exist. */
function inMemory(o: Draft['ops'][number]): Draft['ops'][number] {
  return o.addr === OUT_OF_RANGE_ADDR ? { ...o, addr: 0 } : o;
}

function makeWr(id: number, o: Draft['ops'][number]): SendWr {
  switch (o.opcode) {
    case 'WRITE':
      return { id, opcode: 'WRITE', addr: o.addr, value: o.value };
    case 'READ':
      return { id, opcode: 'READ', addr: o.addr };
    case 'FETCH_ADD':
      return { id, opcode: 'FETCH_ADD', addr: o.addr, add: o.add };
    case 'CMP_SWAP':
      return { id, opcode: 'CMP_SWAP', addr: o.addr, compare: o.compare, swap: o.swap };
    case 'SEND':
      // Distinct payloads, so that a message is recognisable wherever it lands.
      return { id, opcode: 'SEND', value: 100 + id };
    case 'WRITE_WITH_IMM':
      return { id, opcode: 'WRITE_WITH_IMM', addr: o.addr, value: o.value, imm: id };
  }
}
