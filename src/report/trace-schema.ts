/** The schema of a trace file (`rdmacheck: 1`): header, config, scenario and every event kind. */
import type { Verdict } from '../core/property';
import { ANCHOR_KINDS, FAULT_KINDS, LINK_DIRECTIONS, NIC_PROFILES, THIRD_PARTY_OPS } from '../core/scenario';
import type { Fault, FaultKind, SimConfig } from '../core/scenario';
import type { EndReason, TraceEvent } from '../core/trace';
import { OPCODES, QP_STATES, WC_STATUSES } from '../core/verbs';
import type { LayerHost } from '../core/verbs';
import { any, bool, byKind, either, int, list, num, oneOf, oneOfEvery, opt, record, str, strOrNum } from './schema';
import type { FieldSpec, Spec } from './schema';

const nat = num({ integer: true, min: 0 });
const time = num({ min: 0 });
const opcode = oneOf(...OPCODES);
const layerHost = oneOfEvery<LayerHost>({ A: true, B: true });
const wcStatus = oneOf(...WC_STATUSES);
const qpState = oneOf(...QP_STATES);
const thirdPartyOp = oneOf(...THIRD_PARTY_OPS);
const nicProfile = oneOf(...NIC_PROFILES);
/** The field `F` of trace events of kind `K`, e.g. Ack's `nak`. */
type EventField<K extends TraceEvent['kind'], F extends string> = NonNullable<
  Extract<TraceEvent, { kind: K }>[F & keyof Extract<TraceEvent, { kind: K }>]
>;
const nak = oneOfEvery<EventField<'Ack', 'nak'>>({ RNR: true, SEQ: true, ERR: true });

/** The fields of each member of a `kind`-tagged union: the compiler checks that every kind has its entry. */
type FieldsByKind<K extends string> = Record<K, Record<string, Spec | FieldSpec>>;

const sendWr = record({
  id: int,
  opcode,
  // A fractional address is a misaligned one (the NIC answers REM_INV_REQ_ERR): a number, not only an integer.
  addr: opt(num()),
  value: opt(int),
  add: opt(int),
  compare: opt(int),
  swap: opt(int),
  imm: opt(int),
  signaled: opt(bool),
  fence: opt(bool),
  noRetransmit: opt(bool),
  payload: opt(list(int)),
});
const recvWr = record({ id: int });
const wc = record({
  wrId: int,
  status: wcStatus,
  opcode: oneOf(...OPCODES, 'RECV'),
  value: opt(int),
  imm: opt(int),
  withImm: opt(bool),
  payload: opt(list(int)),
});

/** Fields every event has; `i` is checked against the position separately. */
const base = { i: nat, t: time };
const observed = { ...base, host: layerHost, obs: layerHost };
const decided = { ...base, host: layerHost };

/** Every trace event kind with its fields (src/core/trace.ts). */
export const traceEvent: Spec = byKind<FieldsByKind<TraceEvent['kind']>>({
  AppPostSend: { ...observed, wr: sendWr },
  AppPostRecv: { ...observed, wr: recvWr },
  Completion: { ...observed, path: nat, wc },
  PortEvent: {
    ...observed,
    path: nat,
    event: oneOfEvery<EventField<'PortEvent', 'event'>>({ PORT_ERR: true, PORT_ACTIVE: true }),
  },
  TimerFired: { ...observed, token: str, repeats: opt(record({ count: nat, everyNs: time })) },
  ControlReceived: { ...observed, msg: any },
  Post: { ...decided, path: int, wr: sendWr, ok: bool, error: opt(str) },
  PostRecv: { ...decided, path: int, wr: recvWr, ok: bool, error: opt(str) },
  // The PSNs are absent from files written before resets chose them explicitly (both were 0).
  Reset: { ...decided, path: int, sqPsn: opt(nat), rqPsn: opt(nat) },
  MoveToError: { ...decided, path: int },
  Deliver: { ...decided, wc, forWr: opt(int) },
  SetTimer: { ...decided, delayNs: num(), token: str },
  SendControl: { ...decided, msg: any },
  MemOp: {
    ...decided,
    op: oneOfEvery<EventField<'MemOp', 'op'>>({ read: true, write: true, fetchAdd: true, cmpSwap: true }),
    addr: int,
    old: int,
    value: opt(int),
    add: opt(int),
    compare: opt(int),
    swap: opt(int),
    forWr: opt(int),
  },
  Send: { ...decided, path: nat, wr: int, op: opcode, psn: nat, retransmit: bool },
  PacketLost: { ...base, host: oneOf('net'), path: nat, wr: int, psn: int, reason: str, inferred: opt(bool) },
  Receive: { ...decided, path: nat, from: layerHost, wr: int, op: opcode, psn: nat, duplicate: bool, note: opt(str) },
  Execute: {
    ...decided,
    path: nat,
    from: layerHost,
    wr: int,
    op: opcode,
    psn: int,
    status: wcStatus,
    addr: opt(num()), // a misaligned address executes as REM_INV_REQ_ERR at that address
    value: opt(int),
    old: opt(int),
    inferred: opt(bool),
  },
  RecvConsumed: {
    ...decided,
    path: nat,
    recvWr: int,
    from: layerHost,
    wr: int,
    value: opt(int),
    imm: opt(int),
    inferred: opt(bool),
  },
  Ack: { ...decided, path: nat, wr: int, psn: nat, nak: opt(nak), status: opt(wcStatus), value: opt(int) },
  AckLost: {
    ...base,
    host: oneOf('net'),
    path: nat,
    wr: int,
    psn: int,
    reason: str,
    nak: opt(nak),
    inferred: opt(bool),
  },
  Timeout: { ...decided, path: nat, wr: int, psn: nat, retriesLeft: int },
  QpState: { ...decided, path: nat, from: qpState, to: qpState, reason: str },
  AppConsume: { ...base, host: oneOf('B'), addr: int, value: int },
  AppReuse: { ...base, host: oneOf('B'), addr: int, value: int },
  ThirdParty: {
    ...base,
    host: oneOf('C'),
    op: thirdPartyOp,
    addr: int,
    old: int,
    value: opt(int),
    add: opt(int),
    compare: opt(int),
    swap: opt(int),
  },
  Fault: {
    ...base,
    host: oneOf('net', 'A', 'B'),
    fault: nat,
    phase: oneOfEvery<EventField<'Fault', 'phase'>>({ begin: true, end: true }),
    what: str,
  },
  ControlLost: { ...decided, msg: any },
  LayerFault: { ...decided, during: str, reason: str },
  End: {
    ...base,
    host: oneOf('net'),
    reason: oneOfEvery<EndReason>({ quiescent: true, 'time-limit': true, 'event-limit': true, 'work-budget': true }),
    memory: record({ A: list(int), B: list(int) }),
  },
});

/** Anchors use `on` as their tag, not `kind`; checked field by field. */
const anchor: Spec = record({
  on: oneOf(...ANCHOR_KINDS),
  wr: opt(int),
  host: opt(layerHost),
  path: opt(nat),
  nth: opt(nat),
  atNs: opt(time),
});

const count = either('a positive integer or "all"', nat, oneOf('all'));
const packetMatch = { path: opt(nat), wr: opt(int), host: opt(layerHost), nth: opt(nat), count: opt(count) };

/** Simulator configuration fields (a scenario's overrides, and the effective config a trace records). */
const simConfig: Spec = record({
  paths: opt(nat),
  timeout: opt(nat),
  retryCnt: opt(nat),
  rnrRetry: opt(nat),
  minRnrTimerNs: opt(time),
  maxDestRdAtomic: opt(nat),
  maxRdAtomic: opt(nat),
  nic: opt(nicProfile),
  postToErrQp: opt(oneOfEvery<SimConfig['postToErrQp']>({ reject: true, flush: true })),
  wireDelayNs: opt(time),
  controlDelayNs: opt(time),
  appDelayNs: opt(time),
  memoryWords: opt(nat),
  livenessNs: opt(time),
  maxEvents: opt(nat),
  layerMemoryWords: opt(nat),
  pollDelayNs: opt(record({ A: opt(time), B: opt(time) })),
  pathDevice: opt(list(nat)),
  resetCancelsInFlight: opt(bool),
  maxLayerSteps: opt(nat),
});

/** A scenario: config overrides, workload steps, faults (src/core/scenario.ts). */
export const scenario: Spec = record({
  config: opt(simConfig),
  workload: list(
    byKind({
      post: { host: opt(layerHost), wr: sendWr, after: opt(anchor) },
      recv: { host: opt(layerHost), wr: recvWr, after: opt(anchor) },
      reuse: { addr: int, expect: int, value: int, after: opt(anchor) },
      third: {
        op: thirdPartyOp,
        addr: int,
        value: opt(int),
        add: opt(int),
        compare: opt(int),
        swap: opt(int),
        after: opt(anchor),
      },
    }),
  ),
  faults: list(
    byKind<FieldsByKind<FaultKind>>({
      'drop-request': packetMatch,
      'drop-response': packetMatch,
      delay: {
        ...packetMatch,
        direction: oneOfEvery<Extract<Fault, { kind: 'delay' }>['direction']>({ request: true, response: true }),
        delayNs: time,
      },
      'link-down': { path: nat, direction: oneOf(...LINK_DIRECTIONS), after: anchor, upAfterNs: opt(time) },
      'nic-death': { host: layerHost, path: nat, after: anchor, reviveAfterNs: opt(time) },
      'qp-error': { host: layerHost, path: nat, after: anchor },
      'corrupt-wqe': { host: opt(layerHost), path: nat, wr: int, nth: opt(nat) },
      'control-loss': { after: anchor, restoreAfterNs: opt(time) },
      pause: { host: layerHost, after: anchor, durationNs: time },
    }),
  ),
});

/** The header fields and sections after the version check. */
export const traceFile: Spec = record({
  tool: opt(str),
  property: str,
  layer: str,
  adapter: str,
  opcode: opt(oneOf(...OPCODES, 'mixed')), // an audit column: an op class, or 'mixed'
  seed: int,
  path: strOrNum,
  generator: opt(
    // livenessNs is optional: files written before it was a generator parameter lack it.
    record({
      version: opt(nat),
      opcodes: list(opcode),
      maxOps: nat,
      maxFaults: nat,
      maxPaths: nat,
      maxEvents: nat,
      livenessNs: opt(nat),
      nic: opt(nicProfile),
      config: opt(simConfig),
      swarm: opt(bool),
      locality: opt(bool),
      faultKinds: opt(list(oneOf(...FAULT_KINDS))),
      badAddresses: opt(bool),
    }),
  ),
  verdict: opt(oneOfEvery<Verdict['status']>({ violated: true, holds: true, unknown: true })),
  explanation: str,
  witness: list(nat),
  config: opt(simConfig),
  scenario,
  trace: list(traceEvent),
});
