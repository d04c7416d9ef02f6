/** Wording helpers: how verdicts name WRs, times and memory words, in the seed paper's words. */
import type { LayerHost, SendWr, WcStatus } from '../../src/core/verbs';

/** A virtual time in the unit a reader expects: "800ns", "65.5us", "1.3ms", "4.3s". */
export function fmtTime(ns: number): string {
  if (ns < 1_000) return `${round(ns)}ns`;
  if (ns < 1_000_000) return `${round(ns / 1_000)}us`;
  if (ns < 1_000_000_000) return `${round(ns / 1_000_000)}ms`;
  return `${round(ns / 1_000_000_000)}s`;
}

function round(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/** The operation of a WR in one short phrase: "FETCH_ADD [0] +1", "WRITE [3]=7", "SEND 101". */
export function describeOp(wr: SendWr): string {
  switch (wr.opcode) {
    case 'WRITE':
      return `WRITE [${wr.addr}]=${wr.value ?? 0}`;
    case 'READ':
      return `READ [${wr.addr}]`;
    case 'FETCH_ADD':
      return `FETCH_ADD [${wr.addr}] +${wr.add ?? 0}`;
    case 'CMP_SWAP':
      return `CMP_SWAP [${wr.addr}] ${wr.compare ?? 0}->${wr.swap ?? 0}`;
    case 'SEND':
      return `SEND ${wr.value ?? 0}`;
    case 'WRITE_WITH_IMM':
      return `WRITE_WITH_IMM ${wr.addr !== undefined ? `[${wr.addr}]=${wr.value ?? 0} ` : ''}imm ${wr.imm ?? 0}`;
  }
}

/** "WR 1 (FETCH_ADD [0] +1)"; WRs of B's application are prefixed "B's". */
export function describeWr(host: LayerHost, wr: SendWr): string {
  return `${host === 'B' ? "B's " : ''}WR ${wr.id} (${describeOp(wr)})`;
}

/** "RECV 2" (or "A's RECV 2" for a RECV the application of A posted). */
export function describeRecv(host: LayerHost, id: number): string {
  return `${host === 'A' ? "A's " : ''}RECV ${id}`;
}

/** A memory word of a host: "B[0]". */
export function word(host: LayerHost, addr: number): string {
  return `${host}[${addr}]`;
}

/** A completion status for prose: "SUCCESS", "RETRY_EXC_ERR". */
export function status(s: WcStatus): string {
  return s;
}
