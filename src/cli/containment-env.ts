/**
 * The containment limits of the CLI's layer workers (audit, and run/shrink/replay/verify of a
 * module layer), from the environment: RDMACHECK_HEAP_MB, RDMACHECK_WATCHDOG_MS and
 * RDMACHECK_MAX_LIMIT_FAULTS override CONTAINMENT_DEFAULTS (tests use small ones: a stopped layer
 * then costs seconds, not minutes). Environment variables, not options: every command shares them.
 */
import type { ContainmentOptions } from '../check/contained/limits';
import { resolveContainment } from '../check/contained/limits';
import { CliError } from './errors';

/** The environment variable of each containment limit. */
export const CONTAINMENT_ENV = {
  heapMb: 'RDMACHECK_HEAP_MB',
  watchdogMs: 'RDMACHECK_WATCHDOG_MS',
  maxLimitFaults: 'RDMACHECK_MAX_LIMIT_FAULTS',
} as const;

/** The limits set in `env` (checked: a bad value is a one-line usage error naming the variable). */
export function containmentFromEnv(command: string, env: NodeJS.ProcessEnv = process.env): ContainmentOptions {
  const options: ContainmentOptions = {};
  for (const [key, name] of Object.entries(CONTAINMENT_ENV) as [keyof ContainmentOptions, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    options[key] = value;
    try {
      resolveContainment(name, { [key]: value });
    } catch (e) {
      throw new CliError(
        `rdmacheck ${command}: ${(e as Error).message.replace(`${name}: containment.${key}`, name)}; unset it for the default`,
      );
    }
  }
  return options;
}
