/**
 * Which fault kinds an audit draws: the caller's `faultKinds` (checked), else every kind the
 * generator draws that the adapter can inject. An adapter that cannot inject a kind (the native
 * adapter: delay, corrupt-wqe) would otherwise make every scenario holding one unrunnable, and
 * each such run inconclusive for every property.
 */
import type { Adapter } from '../core/execution';
import type { UnsupportedFaultKind } from '../core/results';
import type { FaultKind } from '../core/scenario';
import { FAULT_KINDS } from '../core/scenario';
import { DRAWN_FAULT_KINDS, NOT_DRAWN_FAULT_KINDS } from './given';

/**
 * `kinds` as the generator takes them: checked, without repeats, in DRAWN_FAULT_KINDS order, so
 * that listing every kind draws exactly what the default draws. Throws a TypeError starting with
 * `api` that names the kinds it accepts.
 */
export function drawnFaultKinds(kinds: unknown, api: string): FaultKind[] {
  const valid = DRAWN_FAULT_KINDS.join(', ');
  if (!Array.isArray(kinds))
    throw new TypeError(`${api}: faultKinds must be a list of fault kinds (${valid}); [] draws no faults`);
  for (const k of kinds) {
    if (NOT_DRAWN_FAULT_KINDS.includes(k as FaultKind))
      throw new TypeError(
        `${api}: faultKinds: "${k}" is not drawn by the generator (write such a scenario by hand); drawn kinds: ${valid}`,
      );
    if (!FAULT_KINDS.includes(k as FaultKind))
      throw new TypeError(`${api}: faultKinds: "${String(k)}" is not a fault kind; drawn kinds: ${valid}`);
  }
  return DRAWN_FAULT_KINDS.filter((k) => kinds.includes(k));
}

/** The kinds an audit draws, and the ones it leaves out because the adapter cannot inject them. */
export interface AuditFaultKinds {
  /** Absent: every kind the generator draws (the default draw, unchanged). */
  faultKinds?: FaultKind[];
  /** Set when the adapter's capabilities, not the caller, left kinds out. */
  unsupportedFaultKinds?: UnsupportedFaultKind[];
}

/**
 * checkLayer's fault kinds: `given` (refused when the adapter cannot inject one of them), else
 * every drawn kind the adapter can inject. A kind missing from the adapter's capabilities counts
 * as injectable, as it always has.
 */
export function auditFaultKinds(given: unknown, adapter: Adapter | undefined): AuditFaultKinds {
  const unsupported = (kinds: readonly FaultKind[]): UnsupportedFaultKind[] =>
    kinds.flatMap((kind) => {
      const cap = adapter?.capabilities?.faults?.[kind];
      return cap?.supported === false ? [{ kind, reason: cap.reason ?? 'no reason given' }] : [];
    });
  if (given !== undefined) {
    const kinds = drawnFaultKinds(given, 'checkLayer');
    const refused = unsupported(kinds);
    if (refused.length > 0)
      throw new TypeError(
        `checkLayer: faultKinds: the ${adapter!.name} adapter cannot inject ${refused.map((u) => `${u.kind} (${u.reason})`).join(', ')}; drop ${refused.length === 1 ? 'it' : 'them'} from faultKinds`,
      );
    return { faultKinds: kinds };
  }
  const leftOut = unsupported(DRAWN_FAULT_KINDS);
  if (leftOut.length === 0) return {};
  return {
    faultKinds: DRAWN_FAULT_KINDS.filter((k) => !leftOut.some((u) => u.kind === k)),
    unsupportedFaultKinds: leftOut,
  };
}
