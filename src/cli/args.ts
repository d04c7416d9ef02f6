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
      args: joinNegativeValues(argv, options),
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

/**
 * `--runs -5` as `--runs=-5`: parseArgs reads a value that starts with "-" as another option and
 * calls it ambiguous; a number after an option that takes a value is that option's value, and its
 * range is then checked with a proper message.
 */
function joinNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const name = /^--([^=]+)$/.exec(argv[k])?.[1];
    const next = argv[k + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      k++;
    } else out.push(argv[k]);
  }
  return out;
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
