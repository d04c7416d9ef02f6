/**
 * `rdmacheck shrink FILE --layer L [--property P]`: reduce a failing scenario (a bug report) to a
 * 1-minimal one that still violates the property, and write it as a counterexample (YAML, HTML).
 * With --adapter native: the failure seen on real verbs is shrunk on the simulator and the
 * minimal scenario confirmed on real verbs (or the simulator's disagreement reported).
 */
import { describeLimit, minimizeScenario, MINIMIZE_DEFAULTS, counterexampleOfRun } from '../../check/minimize';
import type { DescentProgress, MinimizeResult, Shrunk } from '../../check/minimize';
import type { Scenario } from '../../core/scenario';
import { renderText } from '../../report/text';
import { replayCommand } from '../../report/replay-command';
import { intOption, parseCommand } from '../args';
import { EXIT } from '../errors';
import type { CliIo } from '../io';
import {
  outputBase,
  scenarioInput,
  SCENARIO_INPUT_OPTIONS,
  SCENARIO_INPUT_USAGE,
  writeCounterexample,
} from '../scenario-input';
import type { ScenarioInput } from '../scenario-input';
import { selectProperties, verdictLine } from './run';

/** Usage of shrink. */
export const SHRINK_USAGE = `usage: rdmacheck shrink FILE --layer L [options]
  Shrinks the failing scenario in FILE (a scenario file, docs/scenario-format.md, or a
  counterexample file) to a 1-minimal scenario that still violates the property (--property, or
  the first property the scenario violates): removing any single step or fault, or simplifying
  any one of them, no longer fails. Deterministic. Prints the sizes before and after, writes the
  minimal counterexample as FILE-STEM.shrunk.yaml and .html (next to FILE, or in --out DIR).
${SCENARIO_INPUT_USAGE}
  --max-candidates N  shrink candidates to try at most (default ${MINIMIZE_DEFAULTS.maxCandidates})
  --time-limit S    wall-clock safety limit in seconds (default ${MINIMIZE_DEFAULTS.timeLimitMs / 1000})
  With --adapter native the scenario runs on real verbs, is shrunk on the simulator, and the
  minimal scenario runs on real verbs again to confirm it; when the simulator does not reproduce
  the failure, that is reported as a fidelity finding with both traces.
Exit: 0 the scenario does not fail, 1 shrunk (or a fidelity finding), 2 usage or input error.`;

/** Runs `shrink`; returns the exit code. */
export async function shrinkCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('shrink', argv, {
    ...SCENARIO_INPUT_OPTIONS,
    'max-candidates': { type: 'string' },
    'time-limit': { type: 'string' },
  });
  if (parsed.values.help) {
    io.stdout.write(`${SHRINK_USAGE}\n`);
    return EXIT.ok;
  }
  const props = selectProperties('shrink', parsed.values.property);
  const maxCandidates = intOption('shrink', 'max-candidates', parsed.values['max-candidates'], 1);
  const timeLimitS = intOption('shrink', 'time-limit', parsed.values['time-limit'], 1);
  const input = scenarioInput('shrink', parsed, io);
  const limits = {
    ...(maxCandidates === undefined ? {} : { maxCandidates }),
    ...(timeLimitS === undefined ? {} : { timeLimitMs: timeLimitS * 1000 }),
  };
  const progress = terminalProgress(io);
  const result = await minimizeScenario(input.loaded.scenario, input.layer, {
    ...(parsed.values.property === undefined ? { properties: props } : { property: props[0] }),
    adapter: input.adapter,
    ...limits,
    onProgress: progress.update,
  }).finally(progress.finish);
  const out = typeof parsed.values.out === 'string' ? parsed.values.out : undefined;
  io.stdout.write(`${shrinkReport(result, input, out, io, limits).join('\n').trimEnd()}\n`);
  return result.outcome === 'does-not-fail' ? EXIT.ok : EXIT.violations;
}

/** What shrink prints for a result (and the files it writes): the sizes, the limit, the native confirmation. */
export function shrinkReport(
  r: MinimizeResult,
  input: ScenarioInput,
  out: string | undefined,
  io: CliIo,
  limits: { maxCandidates?: number; timeLimitMs?: number },
): string[] {
  const on = `${input.layer.name} on ${input.adapter.name}`;
  const verdicts = r.verdicts.map(({ property, verdict }) => `  ${property.padEnd(24)} ${verdictLine(verdict)}`);
  if (r.outcome === 'does-not-fail') {
    return [`rdmacheck shrink: ${input.fileArg} does not fail against ${on}; nothing to shrink`, ...verdicts];
  }
  if (r.outcome === 'not-reproduced') {
    const seen = writeCounterexample(
      counterexampleOfRun(r.property, r.seen.execution, r.seen.verdict),
      outputBase(input, out, `${r.property}.${r.seen.execution.adapter.name}`, io),
      input,
      io,
    );
    const simulated = writeCounterexample(
      counterexampleOfRun(r.property, r.simulated.execution, r.simulated.verdict),
      outputBase(input, out, `${r.property}.${r.simulated.execution.adapter.name}`, io),
      input,
      io,
    );
    return [
      `rdmacheck shrink: fidelity finding: ${r.property} is violated by ${on}, but the simulator does not reproduce it ` +
        `(${r.simulated.execution.adapter.name}: ${verdictLine(r.simulated.verdict)}); nothing was shrunk`,
      `  ${r.seen.execution.adapter.name}: ${verdictLine(r.seen.verdict)}`,
      `  both traces: ${seen} (${r.seen.execution.adapter.name}) and ${simulated} (${r.simulated.execution.adapter.name})`,
    ];
  }
  const file = writeCounterexample(r.counterexample, outputBase(input, out, 'shrunk', io), input, io);
  const lines = [
    `rdmacheck shrink: ${r.property} violated by ${on}: ${sizeText(input.loaded.scenario)} -> ${sizeText(r.scenario)}`,
    `  ${describeLimit(r, limits)}; ${r.steps} shrink steps`,
    ...confirmation(r),
    `  wrote ${file} and its .html; replay: ${replayCommand(file, input.layerModule)}`,
    '',
    renderText(r.counterexample, {
      file,
      ...(input.layerModule === undefined ? {} : { layerModule: input.layerModule }),
    }),
  ];
  return lines;
}

/** The native confirmation, said plainly either way. */
function confirmation(r: Shrunk): string[] {
  const c = r.confirmation;
  if (c === undefined) return [];
  if (c.confirmed) return [`  confirmed on ${c.adapter}: the minimal scenario violates ${r.property} there too`];
  return [
    `  NOT confirmed on ${c.adapter}: the minimal scenario fails on ${r.minimal.execution.adapter.name} but on ${c.adapter} ${verdictLine(c.verdict)} ` +
      '(a fidelity finding, or a timing-dependent failure: run it again with rdmacheck run --adapter native)',
  ];
}

/** "12 steps + 3 faults (15)". */
function sizeText(s: Scenario): string {
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  return `${n(s.workload.length, 'step')} + ${n(s.faults.length, 'fault')}`;
}

/** A line redrawn in place on a terminal (at most ~10 times a second); nothing in logs. */
function terminalProgress(io: CliIo): { update: (p: DescentProgress) => void; finish: () => void } {
  const tty = io.stderr.isTTY === true;
  let last = -Infinity;
  let drawn = false;
  return {
    update: (p) => {
      if (!tty || performance.now() - last < 100) return;
      last = performance.now();
      drawn = true;
      io.stderr.write(`\r\x1b[2Kshrinking: ${p.candidates} candidates tried, ${p.steps} steps taken, size ${p.size}`);
    },
    finish: () => {
      if (drawn) io.stderr.write('\r\x1b[2K');
    },
  };
}
