/**
 * Reference layers tuned for the QEMU guests, exported so the agent on B loads the same objects.
 * completionLog's RPC and give-up timers (100 us, 2 ms) become about 26 ms and 0.5 s of real time
 * on Soft-RoCE (the native adapter scales scenario time by the ratio of its ACK timer to the
 * scenario's). Since the reset model became one-ended, a path completionLog gives up on returns
 * only after a peer-reset handshake over the harness channel, which crosses both emulated guests
 * and, on a loaded CI host, was measured at up to 320 ms per message. Four times the timers keeps
 * the layer's decisions about the fabric, not about the emulator's scheduling.
 */
import { createCompletionLog } from '../../src/layers/completionLog';

/** completionLog with its timers four times the defaults (400 us response, 8 ms give-up). */
export const completionLogForGuests = createCompletionLog({ responseTimeoutNs: 400_000, giveUpAfterNs: 8_000_000 });
