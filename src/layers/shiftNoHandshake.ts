import { createShift } from './shift';
import type { ReferenceLayer } from './types';

/**
 * shift without the receive-counter handshake: the receiver keeps buffers on both QPs and the
 * sender re-sends every outstanding WR, SENDs included. A SEND whose ACK was lost is delivered
 * twice and fills the next RECV: at-most-once and no-queue-sliding fail for SEND and
 * WRITE_WITH_IMM (Theorem 2, queue sliding), on top of shift's WRITE "best effort"; and a re-sent
 * WRITE_WITH_IMM re-writes its word after the receiver reused it (linearizability, the paper's
 * T2: WRITE_WITH_IMM writes memory like a WRITE).
 */
export const shiftNoHandshake: ReferenceLayer = createShift({ handshake: false });
