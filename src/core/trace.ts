/**
 * The trace: every event of a run, with its virtual time, the host where it happens and, for
 * observations of a layer instance, that host in `obs`. Network and responder events keep the
 * seed paper's words (Send, PacketLost, Receive, Execute, AckLost, Timeout, Completion,
 * AppConsume, AppReuse).
 */
import type { Host, LayerHost, Opcode, QpState, RecvWr, SendWr, WcStatus, WorkCompletion } from './verbs';

/** Fields every event has. `i` is the event's index in the trace. */
interface EventBase {
  i: number;
  t: number;
}

/** An observation of the layer instance on `host`: everything that enters it. */
export type ObservationEvent =
  /** The application posted a send WR to the layer (LayerInstance.postSend). */
  | (EventBase & { kind: 'AppPostSend'; host: LayerHost; obs: LayerHost; wr: SendWr })
  /** The application posted a RECV to the layer (LayerInstance.postRecv). */
  | (EventBase & { kind: 'AppPostRecv'; host: LayerHost; obs: LayerHost; wr: RecvWr })
  /** The NIC's CQ of `path` produced a completion (LayerInstance.onCompletion). */
  | (EventBase & { kind: 'Completion'; host: LayerHost; obs: LayerHost; path: number; wc: WorkCompletion })
  /** A local port event (LayerInstance.onPortEvent). */
  | (EventBase & {
      kind: 'PortEvent';
      host: LayerHost;
      obs: LayerHost;
      path: number;
      event: 'PORT_ERR' | 'PORT_ACTIVE';
    })
  /**
   * A timer the layer set fired (LayerInstance.onTimer). `repeats`: this firing stands for
   * `count` more of the same timer, every `everyNs`, each idle (its only decision re-armed the
   * timer with everyNs, recorded once after this event); the simulator folds them so that a
   * heartbeat costs no events (docs/simulator.md, "Idle timers").
   */
  | (EventBase & {
      kind: 'TimerFired';
      host: LayerHost;
      obs: LayerHost;
      token: string;
      repeats?: TimerRepeats;
    })
  /** A control message from the peer's layer arrived (LayerInstance.onControl). */
  | (EventBase & { kind: 'ControlReceived'; host: LayerHost; obs: LayerHost; msg: unknown });

/** Idle firings of one timer folded into one TimerFired event (see TimerFired). */
export interface TimerRepeats {
  /** Firings after the recorded one. */
  count: number;
  /** Their period: the delay every one of them re-armed the timer with. */
  everyNs: number;
}

/** A decision of the layer instance on `host`: everything it does through its LayerEnv. */
export type DecisionEvent =
  | (EventBase & { kind: 'Post'; host: LayerHost; path: number; wr: SendWr; ok: boolean; error?: string })
  | (EventBase & { kind: 'PostRecv'; host: LayerHost; path: number; wr: RecvWr; ok: boolean; error?: string })
  /** The layer reset its QP of `path`, choosing the initial PSNs it sends from and expects. */
  | (EventBase & { kind: 'Reset'; host: LayerHost; path: number; sqPsn: number; rqPsn: number })
  /** The layer moved its QP of `path` to ERR (its outstanding WQEs flush). */
  | (EventBase & { kind: 'MoveToError'; host: LayerHost; path: number })
  /**
   * The layer handed a completion to the application. `forWr` names the peer application's WR
   * whose message a RECV completion carries, when the layer received it itself and said so.
   */
  | (EventBase & { kind: 'Deliver'; host: LayerHost; wc: WorkCompletion; forWr?: number })
  | (EventBase & { kind: 'SetTimer'; host: LayerHost; delayNs: number; token: string })
  | (EventBase & { kind: 'SendControl'; host: LayerHost; msg: unknown })
  /**
   * The layer's CPU touched its own host's memory. `old` is the value before (for a read, the
   * value read); `forWr` names the peer application's WR on whose behalf a responder-side layer
   * executed (completion logs) or, for a read, whose READ it served.
   */
  | (EventBase & {
      kind: 'MemOp';
      host: LayerHost;
      op: 'read' | 'write' | 'fetchAdd' | 'cmpSwap';
      addr: number;
      value?: number;
      add?: number;
      compare?: number;
      swap?: number;
      old: number;
      forWr?: number;
    });

/**
 * What the NICs and the wire do (nobody's layer observes these directly). `inferred: true` marks
 * an event the native adapter could not observe and inferred from memory and RECV contents
 * (real NICs show neither Execute at the responder nor a lost packet); psn is then -1.
 */
export type NetworkEvent =
  /** The requester NIC put a request on the wire (first time, or a transport retransmission). */
  | (EventBase & {
      kind: 'Send';
      host: LayerHost;
      path: number;
      wr: number;
      op: Opcode;
      psn: number;
      retransmit: boolean;
    })
  /** A request was lost on the wire before the responder saw it. */
  | (EventBase & {
      kind: 'PacketLost';
      host: 'net';
      path: number;
      wr: number;
      psn: number;
      reason: string;
      inferred?: true;
    })
  /** The responder NIC received a request; `duplicate` when its PSN was already executed. */
  | (EventBase & {
      kind: 'Receive';
      host: LayerHost;
      path: number;
      from: LayerHost;
      wr: number;
      op: Opcode;
      psn: number;
      duplicate: boolean;
      note?: string;
    })
  /**
   * The responder NIC executed a request: the effect on memory (addr, value written, old value)
   * or on the receive queue. `from` is the requester; `wr` its application-level WR id.
   */
  | (EventBase & {
      kind: 'Execute';
      host: LayerHost;
      path: number;
      from: LayerHost;
      wr: number;
      op: Opcode;
      psn: number;
      addr?: number;
      value?: number;
      old?: number;
      status: WcStatus;
      inferred?: true;
    })
  /** A SEND or WRITE_WITH_IMM consumed RECV `recvWr` at the responder. */
  | (EventBase & {
      kind: 'RecvConsumed';
      host: LayerHost;
      path: number;
      recvWr: number;
      from: LayerHost;
      wr: number;
      value?: number;
      imm?: number;
      inferred?: true;
    })
  /** A response arrived at the requester NIC: ACK (with data), or a NAK. */
  | (EventBase & {
      kind: 'Ack';
      host: LayerHost;
      path: number;
      wr: number;
      psn: number;
      nak?: 'RNR' | 'SEQ' | 'ERR';
      status?: WcStatus;
      value?: number;
    })
  /** A response was lost on the wire after the responder executed. */
  | (EventBase & {
      kind: 'AckLost';
      host: 'net';
      path: number;
      wr: number;
      psn: number;
      reason: string;
      nak?: 'RNR' | 'SEQ' | 'ERR';
      inferred?: true;
    })
  /** The requester NIC's retransmission timer expired (internal to the NIC). */
  | (EventBase & { kind: 'Timeout'; host: LayerHost; path: number; wr: number; psn: number; retriesLeft: number })
  /** A QP changed state. */
  | (EventBase & { kind: 'QpState'; host: LayerHost; path: number; from: QpState; to: QpState; reason: string });

/** The applications: the receiver app's consume/reuse, the third party's operations. */
export type AppEvent =
  | (EventBase & { kind: 'AppConsume'; host: 'B'; addr: number; value: number })
  | (EventBase & { kind: 'AppReuse'; host: 'B'; addr: number; value: number })
  | (EventBase & {
      kind: 'ThirdParty';
      host: 'C';
      op: 'WRITE' | 'FETCH_ADD' | 'CMP_SWAP';
      addr: number;
      value?: number;
      add?: number;
      compare?: number;
      swap?: number;
      old: number;
    });

/** Faults, the control network, layer misuse, and the end of the run. */
export type MetaEvent =
  /** A fault took effect (or ended: `phase: 'end'`). `fault` indexes scenario.faults. */
  | (EventBase & { kind: 'Fault'; host: 'net' | LayerHost; fault: number; phase: 'begin' | 'end'; what: string })
  | (EventBase & { kind: 'ControlLost'; host: LayerHost; msg: unknown })
  /** The layer misused the contract or threw; the run goes on without that action. */
  | (EventBase & { kind: 'LayerFault'; host: LayerHost; during: string; reason: string })
  /** The end of the run: why it stopped and the final memory of each host. */
  | (EventBase & { kind: 'End'; host: 'net'; reason: EndReason; memory: { A: number[]; B: number[] } });

/**
 * Why a run stopped: nothing left to do, the liveness budget ran out, the event limit, or the
 * layers' work budget (config maxLayerSteps: a layer that loops).
 */
export type EndReason = 'quiescent' | 'time-limit' | 'event-limit' | 'work-budget';

/** One event of a trace. */
export type TraceEvent = ObservationEvent | DecisionEvent | NetworkEvent | AppEvent | MetaEvent;

/** Every event kind, for exhaustive renderers. */
export type EventKind = TraceEvent['kind'];

/** A run's events, in the order they happened (`trace[k].i === k`). */
export type Trace = TraceEvent[];

/** Who produced the event: a host or the network. */
export type EventHost = Host | 'net';

/** Every observation kind, once (the compiler holds this to ObservationEvent's kinds exactly). */
export const OBSERVATION_KINDS: Readonly<Record<ObservationEvent['kind'], true>> = {
  AppPostSend: true,
  AppPostRecv: true,
  Completion: true,
  PortEvent: true,
  TimerFired: true,
  ControlReceived: true,
};

/** Every decision kind, once (the compiler holds this to DecisionEvent's kinds exactly). */
export const DECISION_KINDS: Readonly<Record<DecisionEvent['kind'], true>> = {
  Post: true,
  PostRecv: true,
  Reset: true,
  MoveToError: true,
  Deliver: true,
  SetTimer: true,
  SendControl: true,
  MemOp: true,
};

/*
 * The two predicates below are switches over the kinds above, not lookups: the checker asks them
 * of every event of every run several times (replay, twin), and a switch over interned strings
 * costs about two thirds of a Set lookup per event (issue 13). A test holds them to the lists.
 */

/** True when the event is an observation of a layer instance. */
export function isObservation(e: TraceEvent): e is ObservationEvent {
  switch (e.kind) {
    case 'AppPostSend':
    case 'AppPostRecv':
    case 'Completion':
    case 'PortEvent':
    case 'TimerFired':
    case 'ControlReceived':
      return true;
    default:
      return false;
  }
}

/** True when the event is a decision of a layer instance. */
export function isDecision(e: TraceEvent): e is DecisionEvent {
  switch (e.kind) {
    case 'Post':
    case 'PostRecv':
    case 'Reset':
    case 'MoveToError':
    case 'Deliver':
    case 'SetTimer':
    case 'SendControl':
    case 'MemOp':
      return true;
    default:
      return false;
  }
}

/**
 * The sender view (the paper's sigma): exactly the observations of `host`'s layer instance, in
 * order. Two runs are sender-indistinguishable for `host` when these are equal (ignoring `i`).
 */
export function senderView(trace: Trace, host: LayerHost = 'A'): ObservationEvent[] {
  const view: ObservationEvent[] = [];
  for (const e of trace) if (isObservation(e) && e.obs === host) view.push(e);
  return view;
}

/** The decisions of `host`'s layer instance, in order. */
export function decisions(trace: Trace, host: LayerHost = 'A'): DecisionEvent[] {
  const out: DecisionEvent[] = [];
  for (const e of trace) if (isDecision(e) && e.host === host) out.push(e);
  return out;
}

/** An event without its index, for comparing two traces' projections. */
export function withoutIndex(e: TraceEvent): Omit<TraceEvent, 'i'> {
  const { i: _i, ...rest } = e;
  return rest;
}
