import { createShift } from './shift';
import type { ReferenceLayer } from './types';

/**
 * shift without the fenced switch-back: as soon as a probe of the reset default QP succeeds it
 * posts new WRs there, while earlier WRs may still be in flight on the backup. A later WR can
 * execute first: a later SEND fills an earlier RECV (no-queue-sliding fails for SEND and
 * WRITE_WITH_IMM; shown in test/layers/shift.test.ts). It takes three faults with the right
 * timing, which the generator's congested-backup shape draws (`noFenceQueueSliding` in
 * shiftAudit.ts; the audit's first find is usually the stale request that shift shares). A later
 * WRITE overwritten by an earlier one is not a linearizability failure: the earlier WRITE had not
 * completed, so the two are concurrent. WRs left on the backup when it fails after the switch-back
 * complete with its error (SHIFT does not fail over from the backup; the fence is what makes sure
 * nothing is left there).
 */
export const shiftNoFence: ReferenceLayer = createShift({ fence: false });
