/** How a layer should read a completion status. */
import type { WcStatus } from '../../core/verbs';

/**
 * True when the status says the path failed, not the request: the WR may succeed on another path
 * (transport retries exhausted, a flush behind another failure, a local QP error, RNR exhausted).
 * REM_ACCESS_ERR, REM_INV_REQ_ERR, REM_OP_ERR and LOC_LEN_ERR are the request's own fault: a
 * re-post would fail the same way.
 */
export function isPathFailure(status: WcStatus): boolean {
  return (
    status === 'RETRY_EXC_ERR' ||
    status === 'WR_FLUSH_ERR' ||
    status === 'LOC_QP_OP_ERR' ||
    status === 'RNR_RETRY_EXC_ERR'
  );
}
