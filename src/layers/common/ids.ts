/** Negative wr ids for the WRs and RECVs a layer invents itself (probes, handshakes, buffers). */
export class LayerIds {
  private next = -1;

  /** A fresh negative id, never handed out before by this allocator. */
  take(): number {
    return this.next--;
  }
}
