/** File names for counterexample files, shared by the CLI and the jest integration. */
import type { CounterexampleData } from '../core/results';

/** "resend-all.at-most-once.FETCH_ADD" (no extension): stable, filesystem-safe, one per cell. */
export function counterexampleBaseName(cx: Pick<CounterexampleData, 'layer' | 'property' | 'opcode'>): string {
  const parts = [cx.layer, cx.property, ...(cx.opcode ? [cx.opcode] : [])];
  return parts.map((p) => p.replace(/[^A-Za-z0-9_.-]+/g, '_')).join('.');
}
