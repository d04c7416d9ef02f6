import { createShift } from './shift';
import type { ReferenceLayer } from './types';

/**
 * shift without the atomic abort: it fails over with atomics outstanding and re-sends them from
 * the first unacknowledged. An atomic whose ACK was lost executes again on the fresh backup QP
 * (which has no atomic cache of the old one): at-most-once and linearizability fail for
 * FETCH_ADD and CMP_SWAP (Theorem 2: double add, double CAS success), on top of shift's WRITE
 * "best effort".
 */
export const shiftNoAtomicAbort: ReferenceLayer = createShift({ atomicAbort: false });
