/** `--require-coverage NAME=N,...`: parsed and checked against the coverage classes, one-line errors. */
import { COVERAGE_CLASS_NAMES } from '../check/coverage/classes';
import { CliError } from './errors';

/** The requirement object, or undefined when the option is absent. */
export function parseRequireCoverage(
  command: string,
  raw: string | boolean | undefined,
): Record<string, number> | undefined {
  if (raw === undefined) return undefined;
  const out: Record<string, number> = {};
  const items = String(raw)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0)
    throw new CliError(
      `rdmacheck ${command}: --require-coverage takes NAME=N,... (e.g. response-lost-after-execution=20)`,
    );
  for (const item of items) {
    const m = /^([a-z0-9-]+)=(\d+)$/.exec(item);
    if (m === null)
      throw new CliError(`rdmacheck ${command}: --require-coverage: "${item}" is not NAME=N (e.g. qp-flushed=5)`);
    if (!COVERAGE_CLASS_NAMES.includes(m[1]))
      throw new CliError(
        `rdmacheck ${command}: --require-coverage: "${m[1]}" is not a coverage class (${COVERAGE_CLASS_NAMES.join(', ')})`,
      );
    out[m[1]] = Number(m[2]);
  }
  return out;
}
