/**
 * What the sender and the receiver of the NCCL model share: device states, the logical-to-physical
 * QP map (activeQps), the fatal-error check, the device-failure handling and the count-based
 * completion rule (res.cc = p2p_resiliency.cc at NCCL_COMMIT).
 */
import type { WcStatus } from '../../core/verbs';

/** One device per path, one data QP per device: physical QP i is on device i. */
export class Devices {
  /** false once the device was marked Error (ncclIbResiliencyDevStateError). */
  readonly ok: boolean[];
  /** activeQps[logical index] = physical QP index (= path). */
  readonly activeQps: number[];

  constructor(readonly n: number) {
    this.ok = Array.from({ length: n }, () => true);
    this.activeQps = Array.from({ length: n }, (_, i) => i);
  }

  /** nqps per request: one per device (common.h:ncclIbCommBaseGetNqpsPerRequest with one QP per device). */
  get nqps(): number {
    return this.n;
  }

  /** common.h:ncclIbCommBaseGetQpForRequest:393-400: the logical index (id*nqps+i)%nqps and its physical QP. */
  qpForRequest(id: number, i: number): { logical: number; physical: number } {
    const logical = (id * this.nqps + i) % this.n;
    return { logical, physical: this.activeQps[logical] };
  }

  /**
   * res.cc:ncclIbResiliencyCheckErrorNotFatal:23-61: WR_FLUSH_ERR and RETRY_EXC_ERR are not fatal,
   * every other status is; more than one failed device (counting this one) is fatal ("No support
   * for more than a single failed device"), and so is no device left. Returns the reason when fatal.
   */
  fatalReason(status: WcStatus, device: number): string | undefined {
    let failed = 0;
    for (let i = 0; i < this.n; i++) if (i === device || !this.ok[i]) failed++;
    const fatalStatus = status !== 'WR_FLUSH_ERR' && status !== 'RETRY_EXC_ERR';
    if (failed > 1) return `${failed} failed devices`;
    if (failed < this.n && !fatalStatus) return undefined;
    return failed === this.n ? 'no functional devices left' : `fatal completion status ${status}`;
  }

  /**
   * res.cc:ncclIbResiliencyHandleDeviceFailure:372-400: a device still OK is marked Error and its
   * QPs replaced (without port recovery nothing else: its QPs are neither drained nor moved to ERR).
   * Returns false when no replacement exists (ReplaceQps' ncclInternalError).
   */
  fail(device: number): boolean {
    if (!this.ok[device]) return true;
    this.ok[device] = false;
    return this.replaceQps(device);
  }

  /**
   * res.cc:ncclIbResiliencyReplaceQps:69-122: every logical index whose QP is on the failed device
   * is repointed to the next physical QP (cyclically from the failed QP's own index) on an OK device.
   */
  private replaceQps(device: number): boolean {
    for (let logical = 0; logical < this.n; logical++) {
      const failedQp = this.activeQps[logical];
      if (failedQp !== device) continue;
      let replaced = false;
      for (let offset = 1; offset < this.n && !replaced; offset++) {
        const candidate = (failedQp + offset) % this.n;
        if (this.ok[candidate]) {
          this.activeQps[logical] = candidate;
          replaced = true;
        }
      }
      if (!replaced) return false;
    }
    return true;
  }

  /** The first OK device (res.cc:ncclIbResiliencyProbePost:475-483), or undefined. */
  firstOk(): number | undefined {
    const d = this.ok.indexOf(true);
    return d < 0 ? undefined : d;
  }
}

/**
 * p2p.cc:ncclIbRequestIsComplete:620-627 with res.cc:ncclIbResiliencyRequestIsComplete:1020-1033:
 * every per-device counter is 0, or |sum of negatives| = sum of positives. Count-based: it does
 * not look at which chunk a completion was for.
 */
export function requestIsComplete(events: readonly number[]): boolean {
  let negative = 0;
  let remaining = 0;
  for (const e of events) {
    if (e < 0) negative += e;
    else remaining += e;
  }
  return remaining === 0 || Math.abs(negative) === remaining;
}
