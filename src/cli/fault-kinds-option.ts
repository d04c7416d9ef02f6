/** `--fault-kinds LIST`: the only fault kinds generated runs draw, checked as checkLayer checks them. */
import { drawnFaultKinds } from '../check/fault-kinds';
import { DRAWN_FAULT_KINDS } from '../check/given';
import type { FaultKind } from '../core/scenario';
import { CliError } from './errors';

/** The accepted form, for usage lines. */
export const FAULT_KINDS_FORM = `comma-separated, of ${DRAWN_FAULT_KINDS.join(',')}; "none": no faults`;

/** The kinds of `--fault-kinds`, or undefined when absent (then every kind is drawn). */
export function faultKindsOption(command: string, raw: string | boolean | undefined): FaultKind[] | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const items =
    text === 'none'
      ? []
      : text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  if (items.length === 0 && text !== 'none')
    throw new CliError(`rdmacheck ${command}: --fault-kinds needs a list (${FAULT_KINDS_FORM})`);
  try {
    return drawnFaultKinds(items, command);
  } catch (e) {
    // The checker's one line, speaking as this command's option.
    throw new CliError((e as Error).message.replace(/^[^:]+: faultKinds:/, `rdmacheck ${command}: --fault-kinds:`));
  }
}
