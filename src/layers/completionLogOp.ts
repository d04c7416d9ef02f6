/** completionLog's operation in progress: what its requester side tracks of one application WR. */
import type { SendWr } from '../core/verbs';
import type { FailureTally } from './common/failureTally';

/** The operation in progress (one at a time, in posting order). */
export interface Op {
  wr: SendWr;
  attempts: number;
  /**
   * How often each path failed it. An answered QUERY is progress, not a failure: counting
   * attempts instead once gave up while one path had failed only once and both had healed.
   */
  failures: FailureTally;
  /** 'direct': the WR itself is on the wire; 'rpc': a request for it; 'query': asking whether a message arrived. */
  phase: 'direct' | 'rpc' | 'query';
  /** No path was usable for the last attempt: a timer tries again. */
  waiting?: boolean;
  /** The id and path of the WR on the wire for the current attempt. */
  postedId?: number;
  path?: number;
  rpcSeq?: number;
  msgSeq?: number;
}
