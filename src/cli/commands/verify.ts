/**
 * `rdmacheck verify LAYER`: exhaustive small-scope verification (docs/verify.md). Checks every
 * scenario of the bounded space, smallest first, and prints the same matrix as audit, then either
 * "N scenarios, every property holds within these bounds", the smallest counterexamples, or how
 * far the time limit let it get (unknown, never a silent pass).
 */
import { join, relative, resolve } from 'node:path';
import { verifyLayer, verifySummary, VERIFY_DEFAULTS } from '../../check/verify/verifyLayer';
import type { VerifyResult } from '../../check/verify/verifyLayer';
import { spaceSize } from '../../check/verify/space';
import type { Opcode } from '../../core/verbs';
import { OPCODES } from '../../core/verbs';
import { counterexampleToYAML } from '../../report/codec';
import { counterexampleBaseName } from '../../report/file-name';
import { renderMatrixText } from '../../report/matrix';
import { writeFileAtomic } from '../../report/write-atomic';
import { choiceOption, intOption, listOption, parseCommand } from '../args';
import { CliError, EXIT } from '../errors';
import type { CliIo } from '../io';
import { loadLayer, parseLayerSpec } from '../load-layer';

/** Usage of verify. */
export const VERIFY_USAGE = `usage: rdmacheck verify LAYER [options]
  LAYER             a reference layer name (rdmacheck layers) or a .js/.ts module exporting a FailoverLayer
  --max-ops N       most application posts per scenario (default ${VERIFY_DEFAULTS.maxOps})
  --max-faults N    most faults per scenario (default ${VERIFY_DEFAULTS.maxFaults})
  --opcodes LIST    op classes, comma-separated, one column each (default: ${OPCODES.join(',')})
  --no-reuse        leave out the receiver's consume-and-reuse step (T2)
  --no-third-party  leave out the third-party operation (the ABA)
  --time-limit S    wall-clock limit in seconds (default ${VERIFY_DEFAULTS.timeLimitMs / 1000}); then the answer is unknown
  --out DIR         write each counterexample as YAML into DIR
  --format F        text (default) | json
Exit: 0 every property holds within the bounds, 1 a violation or an unfinished walk (unknown), 2 usage or input error.`;

/** Runs `verify`; returns the exit code. */
export async function verifyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('verify', argv, {
    'max-ops': { type: 'string' },
    'max-faults': { type: 'string' },
    opcodes: { type: 'string' },
    'no-reuse': { type: 'boolean' },
    'no-third-party': { type: 'boolean' },
    'time-limit': { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(`${VERIFY_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new CliError('rdmacheck verify: give exactly one layer (see rdmacheck verify --help)');
  const maxOps = intOption('verify', 'max-ops', values['max-ops'], 1) ?? VERIFY_DEFAULTS.maxOps;
  const maxFaults = intOption('verify', 'max-faults', values['max-faults'], 0) ?? VERIFY_DEFAULTS.maxFaults;
  const opcodes = (listOption('verify', 'opcodes', values.opcodes, OPCODES) ?? [...OPCODES]) as Opcode[];
  const timeLimitS = intOption('verify', 'time-limit', values['time-limit'], 1);
  const format = choiceOption('verify', 'format', values.format, ['text', 'json'] as const, 'text');
  const layer = loadLayer(parseLayerSpec(positionals[0], io.cwd));
  const bounds = {
    maxOps,
    maxFaults,
    reuse: values['no-reuse'] !== true,
    thirdParty: values['no-third-party'] !== true,
  };
  const space = opcodes.reduce((n, op) => n + spaceSize({ ...bounds, opcodes: [op] }), 0);
  if (format === 'text')
    io.stderr.write(
      `rdmacheck verify: ${space} scenarios in the space of ${layer.name} (${opcodes.length} op classes)\n`,
    );
  const result = await verifyLayer(layer, {
    ...bounds,
    opcodes,
    ...(timeLimitS === undefined ? {} : { timeLimitMs: timeLimitS * 1000 }),
  });
  const files = typeof values.out === 'string' ? writeCounterexamples(result, resolve(io.cwd, values.out), io) : {};
  if (format === 'json') io.stdout.write(`${JSON.stringify(jsonResult(result, files), null, 2)}\n`);
  else io.stdout.write(textResult(result, files));
  return result.ok && result.complete && result.results.every((r) => r.status === 'holds') ? EXIT.ok : EXIT.violations;
}

function writeCounterexamples(result: VerifyResult, dir: string, io: CliIo): Record<number, string> {
  const files: Record<number, string> = {};
  result.results.forEach((r, k) => {
    if (r.counterexample === undefined || r.opcode === undefined) return;
    const file = join(dir, `${counterexampleBaseName(r.counterexample)}.yaml`);
    writeFileAtomic(file, counterexampleToYAML(r.counterexample, { file }));
    files[k] = relative(io.cwd, file) || file;
  });
  return files;
}

function textResult(result: VerifyResult, files: Record<number, string>): string {
  const b = result.bounds;
  const lines = [
    `rdmacheck verify: layer ${result.layer} on ${result.adapter}, max-ops ${b.maxOps}, max-faults ${b.maxFaults}` +
      `${b.reuse ? '' : ', no reuse'}${b.thirdParty ? '' : ', no third party'} (a cell shows its verdict and the scenarios walked to reach it)`,
    '',
    // The columns only, as audit prints them (the result over every column is the summary line).
    renderMatrixText({ ...result, results: result.results.filter((r) => r.opcode !== undefined) }).trimEnd(),
  ];
  result.results.forEach((r, k) => {
    if (r.opcode === undefined) return;
    if (r.counterexample !== undefined) {
      const cx = r.counterexample;
      const posts = cx.scenario.workload.filter((w) => w.kind === 'post').length;
      lines.push(
        '',
        `${r.property} [${r.opcode}] violated (scenario ${cx.path}: ${posts} post${posts === 1 ? '' : 's'}, ${cx.scenario.faults.length} fault${cx.scenario.faults.length === 1 ? '' : 's'}): ${cx.explanation}`,
      );
      if (files[k] !== undefined) lines.push(`  replay: npx rdmacheck replay ${files[k]}`);
    } else if (r.status === 'unknown') lines.push('', `${r.property} [${r.opcode}] unknown: ${r.reason ?? ''}`);
  });
  lines.push('', verifySummary(result), '');
  return lines.join('\n');
}

function jsonResult(result: VerifyResult, files: Record<number, string>): unknown {
  return {
    layer: result.layer,
    adapter: result.adapter,
    ok: result.ok,
    complete: result.complete,
    scenarios: result.scenarios,
    space: result.space,
    elapsedMs: Math.round(result.elapsedMs),
    scenariosPerSecond: result.scenariosPerSecond,
    bounds: result.bounds,
    summary: verifySummary(result),
    results: result.results.map((r, k) => ({
      property: r.property,
      opcode: r.opcode ?? null,
      status: r.status,
      runs: r.runs,
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      ...(r.counterexample === undefined
        ? {}
        : {
            counterexample: {
              explanation: r.counterexample.explanation,
              path: r.counterexample.path,
              scenario: r.counterexample.scenario,
              events: r.counterexample.events,
              file: files[k] ?? null,
            },
          }),
    })),
  };
}
