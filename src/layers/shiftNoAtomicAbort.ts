import { createShift } from './shift';
import type { ReferenceLayer } from './types';

/**
 * shift without the atomic abort: it fails over with atomics outstanding and re-sends them from
 * the first unacknowledged. An atomic whose ACK was lost executes again on the fresh backup QP
 * (which has no atomic cache of the old one): at-most-once and linearizability fail for
 * FETCH_ADD and CMP_SWAP (Theorem 2: double add, double CAS success), on top of shift's WRITE
 * "best effort"; failure-masking now holds for atomics. completion-fidelity holds: the retried
 * atomic reports the old value of its second execution, which is a value an execution of the WR
 * produced (the property's rule, as for resendAll); the damage is the double effect itself.
 */
export const shiftNoAtomicAbort: ReferenceLayer = createShift({ atomicAbort: false });
