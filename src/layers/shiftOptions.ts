/** SHIFT's options (shiftOptions.ts): which mechanisms are on, its timings, and their defaults. */
/** Which of SHIFT's mechanisms are on (all by default); the broken variants turn one off. */
export interface ShiftOptions {
  /** Return the error instead of failing over when an atomic or a noRetransmit WR is outstanding. */
  atomicAbort?: boolean;
  /** The receive-counter handshake over WRITE_WITH_IMM on the backup QP (two-sided traffic). */
  handshake?: boolean;
  /** Fenced switch-back: WaitSignaled, WaitDrained, and the receiver's RECVs back on the default QP. */
  fence?: boolean;
  /** Delay before each probe of the reset default QP. Default 100 us. */
  probeDelayNs?: number;
  /** Probes per fallback before the layer stays on the backup for good. Default 8. */
  maxProbes?: number;
  /**
   * How long the fallback's leader waits for the peer's counter before it gives up and returns
   * the error (the peer's answer was lost with its backup QP). Default 2.5 ms: above the NIC's
   * largest retry budget (8 tries x 268 us at timeout 6 is 2.1 ms).
   */
  handshakeTimeoutNs?: number;
  /** The layer's name (defaults from the options). */
  name?: string;
}

/** The options with every default filled in (the name aside: it is derived from the rest). */
export type ResolvedShiftOptions = Required<Omit<ShiftOptions, 'name'>>;

/** Fills in SHIFT's defaults: every mechanism on, 100 us probes, 8 of them, a 2.5 ms handshake timeout. */
export function resolveShiftOptions(options: ShiftOptions): ResolvedShiftOptions {
  return {
    atomicAbort: options.atomicAbort ?? true,
    handshake: options.handshake ?? true,
    fence: options.fence ?? true,
    probeDelayNs: options.probeDelayNs ?? 100_000,
    maxProbes: options.maxProbes ?? 8,
    handshakeTimeoutNs: options.handshakeTimeoutNs ?? 2_500_000,
  };
}
