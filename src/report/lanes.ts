/**
 * Where each trace event goes in a sequence chart: one lane per actor (app A, layer A, one per
 * path for A's NICs, the wire, NIC B, layer B, app B, the third party C), the arrow or note that
 * draws it, and a short label. Shared by the text, Mermaid and HTML renderers so they agree.
 */
import type { Scenario } from '../core/scenario';
import { resolveConfig } from '../core/scenario';
import type { Trace, TraceEvent } from '../core/trace';
import type { SendWr, WorkCompletion } from '../core/verbs';

/** One column of a sequence chart. */
export interface Lane {
  /** An identifier safe for Mermaid and HTML ids: appA, layerA, path0, wire, nicB, layerB, appB, C. */
  id: string;
  /** What a reader sees: "app A", "path 0", ... */
  title: string;
}

/**
 * How one event is drawn: an arrow between two lanes, a note on one lane, or a band across every
 * lane (faults, the end of the run). `alert` marks faults, lost packets and error completions.
 */
export interface Placement {
  shape: 'arrow' | 'note' | 'band';
  from: string;
  /** The arrow's head; equals `from` for notes and bands. */
  to: string;
  label: string;
  alert?: 'fault' | 'lost' | 'error' | 'misuse';
}

/** The lanes of a run with `paths` NIC pairs. C is included only when the run has a third party. */
export function lanesFor(paths: number, withThirdParty: boolean): Lane[] {
  const lanes: Lane[] = [
    { id: 'appA', title: 'app A' },
    { id: 'layerA', title: 'layer A' },
  ];
  for (let p = 0; p < paths; p++) lanes.push({ id: `path${p}`, title: `path ${p}` });
  lanes.push(
    { id: 'wire', title: 'wire' },
    { id: 'nicB', title: 'NIC B' },
    { id: 'layerB', title: 'layer B' },
    { id: 'appB', title: 'app B' },
  );
  if (withThirdParty) lanes.push({ id: 'C', title: 'C' });
  return lanes;
}

/**
 * The lanes for one counterexample: its configured paths only. A post a layer aimed at a path
 * that does not exist gets no lane of its own (placeEvent draws it at the layer, as the refusal
 * it was).
 */
export function lanesOf(scenario: Scenario, trace: Trace): Lane[] {
  return lanesFor(
    resolveConfig(scenario).paths,
    trace.some((e) => e.kind === 'ThirdParty'),
  );
}

/** The PSNs a reset chose, unless both are the default 0 (trace files before they were recorded have none). */
function resetPsns(e: { sqPsn?: number; rqPsn?: number }): string {
  const sq = e.sqPsn ?? 0;
  const rq = e.rqPsn ?? 0;
  return sq === 0 && rq === 0 ? '' : ` (sq PSN ${sq}, rq PSN ${rq})`;
}

/** How to draw event `e` (`scenario` names the fault behind each Fault event). */
export function placeEvent(e: TraceEvent, scenario: Scenario): Placement {
  const nic = (host: string, path: number) => (host === 'B' ? 'nicB' : `path${path}`);
  const layer = (host: string) => (host === 'B' ? 'layerB' : 'layerA');
  const app = (host: string) => (host === 'B' ? 'appB' : 'appA');
  const arrow = (from: string, to: string, label: string, alert?: Placement['alert']): Placement =>
    alert === undefined ? { shape: 'arrow', from, to, label } : { shape: 'arrow', from, to, label, alert };
  const note = (on: string, label: string, alert?: Placement['alert']): Placement =>
    alert === undefined
      ? { shape: 'note', from: on, to: on, label }
      : { shape: 'note', from: on, to: on, label, alert };
  // A refused post on a path that does not exist stays at the layer: there is no NIC to draw it to.
  if ((e.kind === 'Post' || e.kind === 'PostRecv') && !(e.path >= 0 && e.path < resolveConfig(scenario).paths)) {
    const what = e.kind === 'Post' ? describeWr(e.wr) : `recv r${e.wr.id}`;
    return note(layer(e.host), `post ${what} on path ${e.path} refused: ${e.error ?? 'error'}`, 'error');
  }
  switch (e.kind) {
    case 'AppPostSend':
      return arrow(app(e.host), layer(e.host), `post ${describeWr(e.wr)}`);
    case 'AppPostRecv':
      return arrow(app(e.host), layer(e.host), `post recv r${e.wr.id}`);
    case 'Completion':
      return arrow(nic(e.host, e.path), layer(e.host), `CQE ${describeWc(e.wc)}`, errorOf(e.wc));
    case 'PortEvent':
      return arrow(nic(e.host, e.path), layer(e.host), e.event, e.event === 'PORT_ERR' ? 'error' : undefined);
    case 'TimerFired':
      return note(
        layer(e.host),
        e.repeats
          ? `timer ${e.token} fired, then ${e.repeats.count} more idle times every ${formatNs(e.repeats.everyNs)} (until t=${formatNs(e.t + e.repeats.count * e.repeats.everyNs)})`
          : `timer ${e.token} fired`,
      );
    case 'ControlReceived':
      return arrow(layer(e.host === 'A' ? 'B' : 'A'), layer(e.host), `control ${compactJson(e.msg)}`);
    case 'Post':
      return arrow(
        layer(e.host),
        nic(e.host, e.path),
        `post ${describeWr(e.wr)} on path ${e.path}${e.ok ? '' : ` refused: ${e.error ?? 'error'}`}`,
        e.ok ? undefined : 'error',
      );
    case 'PostRecv':
      return arrow(
        layer(e.host),
        nic(e.host, e.path),
        `post recv r${e.wr.id} on path ${e.path}${e.ok ? '' : ` refused: ${e.error ?? 'error'}`}`,
        e.ok ? undefined : 'error',
      );
    case 'Reset':
      return arrow(layer(e.host), nic(e.host, e.path), `reset QP of path ${e.path}${resetPsns(e)}`);
    case 'MoveToError':
      return arrow(layer(e.host), nic(e.host, e.path), `move QP of path ${e.path} to ERR`, 'error');
    case 'Deliver':
      return arrow(
        layer(e.host),
        app(e.host),
        `deliver ${describeWc(e.wc)}${e.forWr === undefined ? '' : ` for wr${e.forWr}`}`,
        errorOf(e.wc),
      );
    case 'SetTimer':
      return note(layer(e.host), `set timer ${e.token} +${formatNs(e.delayNs)}`);
    case 'SendControl':
      return note(layer(e.host), `send control ${compactJson(e.msg)}`);
    case 'MemOp':
      return note(layer(e.host), describeMemOp(e));
    case 'Send':
      return arrow(
        nic(e.host, e.path),
        'wire',
        `${e.retransmit ? 'retransmit' : 'send'} wr${e.wr} ${e.op} psn ${e.psn}`,
      );
    case 'PacketLost':
      return note('wire', `request wr${e.wr} psn ${e.psn} lost (${e.reason})`, 'lost');
    case 'Receive': {
      const at = e.host === 'B' ? 'nicB' : `path${e.path}`;
      return arrow(
        'wire',
        at,
        `receive wr${e.wr} ${e.op} psn ${e.psn}${e.duplicate ? ' (duplicate)' : ''}${e.note ? ` ${e.note}` : ''}`,
      );
    }
    case 'Execute':
      return note(nic(e.host, e.path), describeExecute(e), e.status === 'SUCCESS' ? undefined : 'error');
    case 'RecvConsumed':
      return note(
        nic(e.host, e.path),
        `wr${e.wr} consumed recv r${e.recvWr}${e.value === undefined ? '' : ` =${e.value}`}`,
      );
    case 'Ack': {
      const what = e.nak !== undefined ? `NAK ${e.nak}${e.status ? ` ${e.status}` : ''}` : 'ACK';
      return arrow(
        'wire',
        nic(e.host, e.path),
        `${what} wr${e.wr} psn ${e.psn}${e.value === undefined ? '' : ` =${e.value}`}`,
        e.nak === 'ERR' ? 'error' : undefined,
      );
    }
    case 'AckLost':
      return note('wire', `response to wr${e.wr} psn ${e.psn} lost (${e.reason})`, 'lost');
    case 'Timeout':
      return note(nic(e.host, e.path), `timeout wr${e.wr} psn ${e.psn}, ${e.retriesLeft} retries left`);
    case 'QpState':
      return note(nic(e.host, e.path), `QP ${e.from}→${e.to} (${e.reason})`, e.to === 'ERR' ? 'error' : undefined);
    case 'AppConsume':
      return note('appB', `consume [${e.addr}] = ${e.value}`);
    case 'AppReuse':
      return note('appB', `reuse [${e.addr}] := ${e.value}`);
    case 'ThirdParty':
      return arrow('C', 'nicB', `C ${describeThird(e)} (old ${e.old})`);
    case 'Fault': {
      const fault = scenario.faults[e.fault];
      const kind = fault === undefined ? '' : ` ${fault.kind}`;
      return {
        shape: 'band',
        from: 'wire',
        to: 'wire',
        label: `FAULT #${e.fault}${kind} ${e.phase}: ${e.what}`,
        alert: 'fault',
      };
    }
    case 'ControlLost':
      return note(layer(e.host), `control lost ${compactJson(e.msg)}`, 'lost');
    case 'LayerFault':
      return note(layer(e.host), `LAYER FAULT during ${e.during}: ${e.reason}`, 'misuse');
    case 'End':
      return {
        shape: 'band',
        from: 'wire',
        to: 'wire',
        label: `end (${e.reason}): B memory ${compactJson(e.memory.B)}, A memory ${compactJson(e.memory.A)}`,
      };
  }
}

/** "wr3 WRITE [2] := 7", "wr4 FETCH_ADD [0] += 1", ... */
export function describeWr(wr: SendWr): string {
  const at = wr.addr === undefined ? '' : ` [${wr.addr}]`;
  let what = '';
  switch (wr.opcode) {
    case 'WRITE':
      what = `${at} := ${wr.value ?? 0}`;
      break;
    case 'READ':
      what = at;
      break;
    case 'FETCH_ADD':
      what = `${at} += ${wr.add ?? 0}`;
      break;
    case 'CMP_SWAP':
      what = `${at} ${wr.compare ?? 0}→${wr.swap ?? 0}`;
      break;
    case 'SEND':
      what = ` ${wr.payload !== undefined ? compactJson(wr.payload) : String(wr.value ?? 0)}`;
      break;
    case 'WRITE_WITH_IMM':
      what = `${at} := ${wr.value ?? 0} imm ${wr.imm ?? 0}`;
      break;
  }
  const flags = [
    wr.signaled === false ? 'unsignaled' : '',
    wr.fence ? 'fenced' : '',
    wr.noRetransmit ? 'no-retransmit' : '',
  ].filter((f) => f !== '');
  return `wr${wr.id} ${wr.opcode}${what}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}`;
}

/** "wr3 SUCCESS = 7", "wr3 RETRY_EXC_ERR". */
export function describeWc(wc: WorkCompletion): string {
  const value = wc.value === undefined ? '' : ` = ${wc.value}`;
  const op = wc.opcode === 'RECV' ? ' RECV' : '';
  return `wr${wc.wrId}${op} ${wc.status}${value}`;
}

/** Virtual nanoseconds as a short human duration: 800ns, 65.536us, 5ms, 4.295s. */
export function formatNs(ns: number): string {
  if (Math.abs(ns) < 1_000) return `${ns}ns`;
  if (Math.abs(ns) < 1_000_000) return `${trimDecimals(ns / 1_000)}us`;
  if (Math.abs(ns) < 1_000_000_000) return `${trimDecimals(ns / 1_000_000)}ms`;
  return `${trimDecimals(ns / 1_000_000_000)}s`;
}

/** A value as one-line JSON, shortened past 60 characters (labels must stay one line). */
export function compactJson(value: unknown): string {
  const json = JSON.stringify(value) ?? 'undefined';
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function trimDecimals(x: number): string {
  return x.toFixed(3).replace(/\.?0+$/, '');
}

function errorOf(wc: WorkCompletion): Placement['alert'] {
  return wc.status === 'SUCCESS' ? undefined : 'error';
}

function describeExecute(e: Extract<TraceEvent, { kind: 'Execute' }>): string {
  const effect =
    e.addr === undefined ? '' : ` [${e.addr}]${e.old === undefined ? '' : ` ${e.old}→${e.value ?? e.old}`}`;
  return `execute wr${e.wr} ${e.op}${effect}${e.status === 'SUCCESS' ? '' : ` ${e.status}`}`;
}

function describeMemOp(e: Extract<TraceEvent, { kind: 'MemOp' }>): string {
  const args =
    e.op === 'write'
      ? ` := ${e.value ?? 0}`
      : e.op === 'fetchAdd'
        ? ` += ${e.add ?? 0}`
        : e.op === 'cmpSwap'
          ? ` ${e.compare ?? 0}→${e.swap ?? 0}`
          : '';
  return `memory ${e.op} [${e.addr}]${args} (old ${e.old})${e.forWr === undefined ? '' : ` for wr${e.forWr}`}`;
}

function describeThird(e: Extract<TraceEvent, { kind: 'ThirdParty' }>): string {
  if (e.op === 'WRITE') return `WRITE [${e.addr}] := ${e.value ?? 0}`;
  if (e.op === 'FETCH_ADD') return `FETCH_ADD [${e.addr}] += ${e.add ?? 0}`;
  return `CMP_SWAP [${e.addr}] ${e.compare ?? 0}→${e.swap ?? 0}`;
}
