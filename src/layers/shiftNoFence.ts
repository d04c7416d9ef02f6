import { createShift } from './shift';
import type { ReferenceLayer } from './types';

/**
 * shift without the fenced switch-back: as soon as a probe of the reset default QP succeeds it
 * posts new WRs there, while earlier WRs may still be in flight on the backup. A later WR can
 * execute first: a later SEND fills an earlier RECV (no-queue-sliding fails for SEND and
 * WRITE_WITH_IMM) and a later WRITE is overwritten by an earlier one (linearizability fails).
 */
export const shiftNoFence: ReferenceLayer = createShift({ fence: false });
