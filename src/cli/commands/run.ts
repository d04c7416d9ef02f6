/** `rdmacheck run FILE --layer L`: run one scenario once, judge it, print the verdicts and the lane chart. */
import { properties as allProperties } from '../../../properties';
import { counterexampleOfRun } from '../../check/minimize';
import { execute } from '../../check/execute';
import type { Property, Verdict } from '../../core/property';
import { checkSafely } from '../../core/safe-check';
import { renderChart, renderText } from '../../report/text';
import { replayCommand } from '../../report/replay-command';
import { parseCommand } from '../args';
import { CliError, EXIT } from '../errors';
import type { CliIo } from '../io';
import {
  outputBase,
  scenarioInput,
  SCENARIO_INPUT_OPTIONS,
  SCENARIO_INPUT_USAGE,
  writeCounterexample,
} from '../scenario-input';

/** Usage of run. */
export const RUN_USAGE = `usage: rdmacheck run FILE --layer L [options]
  Runs the scenario in FILE (a scenario file, docs/scenario-format.md, or a counterexample file)
  once against the layer, judges the run by every property, and prints each verdict, the
  explanation of each violation and the lane chart of the run.
${SCENARIO_INPUT_USAGE}
                    (run writes one counterexample per violated property: FILE-STEM.PROPERTY.yaml)
Exit: 0 no property is violated, 1 a property is violated, 2 usage or input error.`;

/** Runs `run`; returns the exit code. */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('run', argv, SCENARIO_INPUT_OPTIONS);
  if (parsed.values.help) {
    io.stdout.write(`${RUN_USAGE}\n`);
    return EXIT.ok;
  }
  const props = selectProperties('run', parsed.values.property);
  const input = scenarioInput('run', parsed, io);
  let execution;
  try {
    execution = await execute(input.adapter, input.loaded.scenario, input.layer);
  } catch (e) {
    throw new CliError(
      `rdmacheck run: the ${input.adapter.name} adapter could not run ${input.fileArg}: ${(e as Error).message}`,
    );
  }
  const verdicts: { property: string; verdict: Verdict }[] = [];
  for (const p of props) verdicts.push({ property: p.name, verdict: await checkSafely(p, execution) });
  const out = typeof parsed.values.out === 'string' ? parsed.values.out : undefined;
  const lines = [
    `rdmacheck run: ${input.fileArg} against ${input.layer.name} on ${input.adapter.name}: ${execution.trace.length} events, ended ${execution.end.reason}`,
    '',
    ...verdicts.map(({ property, verdict }) => `  ${property.padEnd(24)} ${verdictLine(verdict)}`),
    '',
  ];
  const violated = verdicts.filter((v) => v.verdict.status === 'violated');
  const files: string[] = [];
  for (const v of violated) {
    if (out === undefined) continue;
    const cx = counterexampleOfRun(v.property, execution, v.verdict);
    files.push(writeCounterexample(cx, outputBase(input, out, v.property, io), input, io));
  }
  if (violated.length === 0) {
    lines.push('no property is violated; the run:', '', renderChart({ ...execution, events: [] }));
  } else {
    const first = violated[0];
    const cx = counterexampleOfRun(first.property, execution, first.verdict);
    lines.push(
      renderText(cx, {
        ...(files[0] === undefined ? {} : { file: files[0] }),
        ...(input.layerModule === undefined ? {} : { layerModule: input.layerModule }),
      }),
    );
    if (files.length > 0)
      lines.push(...files.map((f) => `wrote ${f} (replay: ${replayCommand(f, input.layerModule)})`));
    else lines.push('use --out DIR to write the counterexample files (YAML + HTML)');
  }
  io.stdout.write(`${lines.join('\n').trimEnd()}\n`);
  return violated.length > 0 ? EXIT.violations : EXIT.ok;
}

/** The properties named by --property, or all; an unknown name is a one-line usage error. */
export function selectProperties(command: string, raw: string | boolean | undefined): readonly Property[] {
  if (raw === undefined) return allProperties.all;
  const found = allProperties.all.find((p: Property) => p.name === raw);
  if (found === undefined)
    throw new CliError(
      `rdmacheck ${command}: unknown property "${String(raw)}"; properties: ${allProperties.all.map((p: Property) => p.name).join(', ')}`,
    );
  return [found];
}

/** "violated: ...", "holds", "unknown: ...". */
export function verdictLine(v: Verdict): string {
  return v.status === 'violated'
    ? `violated: ${v.explanation}`
    : v.status === 'unknown'
      ? `unknown: ${v.reason}`
      : 'holds';
}
