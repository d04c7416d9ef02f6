/** The kucx model's control messages: the META exchange and the rkey round trip (ucp.c). */

/** ucp_failover_info_t (ucp.c:send_meta:240-264): lanes are paths, the same index at both hosts. */
export interface MetaMessage {
  kucx: 'meta';
  reply: boolean;
  /** The sender's origin lane (= the receiver's remote origin lane). */
  origin: number;
  newLane: number;
  /** private_data: the sender's rxcnt.ack on its origin endpoint (ep.c:1080-1086). */
  ack: number;
  guid: number;
  revise: boolean;
}

/** ucp_rkey_handle_t (ucp.c:get_rkey:266-304, get_rkey_handler:1344-1362, release_rkey:306-342). */
export interface RkeyMessage {
  kucx: 'rkey-req' | 'rkey-resp' | 'rkey-release';
  /** The requester's origin lane: which failover context the answer belongs to. */
  origin: number;
  addr: number;
}

/** A kucx control message. */
export type KucxMessage = MetaMessage | RkeyMessage;

/** True when `msg` is one of the model's control messages. */
export function isKucxMessage(msg: unknown): msg is KucxMessage {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Partial<KucxMessage>;
  return (
    (m.kucx === 'meta' || m.kucx === 'rkey-req' || m.kucx === 'rkey-resp' || m.kucx === 'rkey-release') &&
    typeof m.origin === 'number'
  );
}
