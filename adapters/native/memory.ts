/**
 * One host's registered memory and its scan: the NIC writes it without telling the CPU, so the
 * poll loop compares it with a snapshot and reports every word that changed as a NicWrite. CPU
 * writes go through setWord, which scans first so that a CPU write is never taken for a NIC one.
 */
import type { LayerHost } from '../../src/core/verbs';
import { WORD_BYTES } from './config';
import type { HostSink } from './hostContext';

/** A host's memory words (registered with every path's NIC) and the snapshot of the last scan. */
export class ScannedMemory {
  readonly buffer: ArrayBuffer;
  readonly words: BigInt64Array;
  private readonly snapshot: BigInt64Array;

  /** `afterCpuWrite` runs after every CPU write (the receiver application's watches). */
  constructor(
    wordCount: number,
    private readonly host: LayerHost,
    private readonly now: () => number,
    private readonly sink: Pick<HostSink, 'nicWrite'>,
    private readonly afterCpuWrite: () => void,
  ) {
    this.buffer = new ArrayBuffer(wordCount * WORD_BYTES);
    this.words = new BigInt64Array(this.buffer);
    this.snapshot = new BigInt64Array(wordCount);
  }

  /** The word at `addr` as a number. */
  word(addr: number): number {
    return Number(this.words[addr]);
  }

  /** A CPU write: reported NIC changes first, so the write is never mistaken for a remote one. */
  setWord(addr: number, value: number): void {
    this.scan();
    this.words[addr] = BigInt(value);
    this.snapshot[addr] = this.words[addr];
    this.afterCpuWrite();
  }

  /** Reports every word the NIC changed since the last scan. */
  scan(): void {
    const t = this.now();
    for (let a = 0; a < this.words.length; a++) {
      const v = this.words[a];
      if (v === this.snapshot[a]) continue;
      this.sink.nicWrite({ host: this.host, addr: a, old: Number(this.snapshot[a]), value: Number(v), t });
      this.snapshot[a] = v;
    }
  }

  /** Final memory as numbers (after a last scan). */
  finalWords(): number[] {
    this.scan();
    return Array.from(this.words, (v) => Number(v));
  }
}
