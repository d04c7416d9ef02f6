/** Command-line parsing helpers on node:util parseArgs, with one-line errors. */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { CliError } from './errors';

/** Parsed options and positionals of one command. */
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses `argv` for `command` with `options`; unknown flags become a CliError naming the command. */
export function parseCommand(
  command: string,
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    throw new CliError(
      `rdmacheck ${command}: ${(e as Error).message.split('\n')[0]} (see rdmacheck ${command} --help)`,
    );
  }
}

/** A positive integer option, or undefined when absent. */
export function intOption(
  command: string,
  name: string,
  raw: string | boolean | undefined,
  min: number,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    throw new CliError(`rdmacheck ${command}: --${name} must be an integer >= ${min}, got "${String(raw)}"`);
  }
  return n;
}

/** A comma-separated list option whose items must come from `allowed`. */
export function listOption(
  command: string,
  name: string,
  raw: string | boolean | undefined,
  allowed: readonly string[],
): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = String(raw)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = items.filter((s) => !allowed.includes(s));
  if (items.length === 0 || bad.length > 0) {
    throw new CliError(
      `rdmacheck ${command}: --${name} accepts ${allowed.join(', ')}; got "${bad.join(',') || String(raw)}"`,
    );
  }
  return items;
}

/** An option whose value must be one of `allowed` (default `fallback`). */
export function choiceOption<T extends string>(
  command: string,
  name: string,
  raw: string | boolean | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T))
    throw new CliError(`rdmacheck ${command}: --${name} must be one of ${allowed.join(', ')}, got "${String(raw)}"`);
  return raw as T;
}

/** How many decimal digits of a unit make a nanosecond: the units a duration option accepts. */
const DURATION_UNITS = { ns: 0, us: 3, ms: 6, s: 9 } as const;

/** The accepted form of a duration option, for its error message and usage line. */
export const DURATION_FORM = 'a number and a unit (ns, us, ms or s), e.g. 50ms, 2s, 500us, 1000ns';

/**
 * A duration option in nanoseconds ("50ms", "2s", "1.5ms", "500us", "1000ns"), or undefined when
 * absent. Decimal digits are read exactly (no floating point), down to whole nanoseconds.
 */
export function durationOption(command: string, name: string, raw: string | boolean | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const bad = (): never => {
    throw new CliError(`rdmacheck ${command}: --${name} must be a duration, ${DURATION_FORM}; got "${String(raw)}"`);
  };
  const m = typeof raw === 'string' ? /^(\d+)(?:\.(\d+))?(ns|us|ms|s)$/.exec(raw.trim()) : null;
  if (!m) return bad();
  const digits = DURATION_UNITS[m[3] as keyof typeof DURATION_UNITS];
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return bad(); // finer than a nanosecond
  const ns = Number(m[1] + fraction.padEnd(digits, '0'));
  if (!Number.isSafeInteger(ns) || ns <= 0) return bad();
  return ns;
}
