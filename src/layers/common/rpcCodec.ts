/** The wire format of completionLog's messages: plain number arrays in SendWr.payload. */
import type { WcStatus } from '../../core/verbs';

/** payload[0] of an RPC request: [mark, rpcSeq, op, appWr, addr, value, add, compare, swap, ...incarnations]. */
export const REQUEST_MARK = -0x434c01;
/** payload[0] of an RPC response: [mark, rpcSeq, status, value, ...incarnations]. */
export const RESPONSE_MARK = -0x434c02;
/** payload[0] of an application message sent as itself: [mark, msgSeq, ...application payload]. */
export const MESSAGE_MARK = -0x434c03;

/** The operations a requester asks the responder's layer to do. */
export const RpcOp = { WRITE: 1, FETCH_ADD: 2, CMP_SWAP: 3, QUERY: 4 } as const;
export type RpcOpCode = (typeof RpcOp)[keyof typeof RpcOp];

/** An RPC request, decoded. */
export interface RpcRequest {
  seq: number;
  op: RpcOpCode;
  appWr: number;
  addr: number;
  value: number;
  add: number;
  compare: number;
  swap: number;
  /** The requester's incarnation of every path (PeerResets): the responder catches up, fencing what it gave up. */
  incarnations: number[];
}

/** An RPC response, decoded. */
export interface RpcResponse {
  seq: number;
  status: WcStatus;
  value: number;
  /** The responder's incarnation of every path, after it caught up with the request's. */
  incarnations: number[];
}

const STATUSES: readonly WcStatus[] = ['SUCCESS', 'REM_ACCESS_ERR', 'REM_INV_REQ_ERR', 'REM_OP_ERR'];

/** Encodes a request (a missing address travels as 0.5, misaligned: the responder answers REM_INV_REQ_ERR). */
export function encodeRequest(r: RpcRequest): number[] {
  return [REQUEST_MARK, r.seq, r.op, r.appWr, r.addr, r.value, r.add, r.compare, r.swap, ...r.incarnations];
}

/** Decodes a request. */
export function decodeRequest(p: number[]): RpcRequest {
  return {
    seq: p[1],
    op: p[2] as RpcOpCode,
    appWr: p[3],
    addr: p[4],
    value: p[5],
    add: p[6],
    compare: p[7],
    swap: p[8],
    incarnations: p.slice(9),
  };
}

/** Encodes a response. */
export function encodeResponse(r: RpcResponse): number[] {
  return [RESPONSE_MARK, r.seq, Math.max(0, STATUSES.indexOf(r.status)), r.value, ...r.incarnations];
}

/** Decodes a response. */
export function decodeResponse(p: number[]): RpcResponse {
  return { seq: p[1], status: STATUSES[p[2]] ?? 'REM_OP_ERR', value: p[3], incarnations: p.slice(4) };
}
