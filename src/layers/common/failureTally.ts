/**
 * How often each path failed one operation, and since when: the give-up rule of a layer that
 * retries an operation on every path ("every path failed it twice, for long enough").
 */
export class FailureTally {
  private readonly failures: number[];
  /** When the first failure was seen (undefined while none has). */
  private failingSinceNs: number | undefined;

  constructor(paths: number) {
    this.failures = new Array<number>(paths).fill(0);
  }

  /** `path` failed the operation. */
  failed(path: number): void {
    this.failures[path]++;
  }

  /**
   * No path was usable for an attempt: counted as a failure of the path tried least, so that an
   * outage in which no path ever becomes usable still gives up.
   */
  noPathUsable(): void {
    this.failed(this.failures.indexOf(Math.min(...this.failures)));
  }

  /**
   * Whether to give up at `nowNs`: every path failed at least `perPath` times and the failures
   * have lasted `forNs`. An answered request between failures is progress and counts for nothing.
   */
  exhausted(nowNs: number, perPath: number, forNs: number): boolean {
    if (this.failures.some((n) => n > 0)) this.failingSinceNs ??= nowNs;
    const everyPath = Math.min(...this.failures) >= perPath;
    return everyPath && nowNs - (this.failingSinceNs ?? nowNs) >= forNs;
  }
}
