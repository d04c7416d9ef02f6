/** `rdmacheck theorems [--json] [--layer L]`: reproduce the seed paper's theorems and print their witnesses. */
import { renderText } from '../../report/text';
import { counterexampleToYAML } from '../../report/codec';
import { parseCommand } from '../args';
import { EXIT } from '../errors';
import type { CliIo } from '../io';
import { loadLayer, parseLayerSpec } from '../load-layer';
import { reproduceTheorems } from '../theorems';

/** Usage of theorems. */
export const THEOREMS_USAGE = `usage: rdmacheck theorems [--json] [--brief] [--layer NAME|MODULE]
  Runs the seed paper's witness scenarios on the simulator: Theorem 1 (T1/T2 twin pair) against
  resend-all and fail-stop, Theorem 2 (FADD, queue sliding, CAS) against resend-all, Theorem 3
  (ABA) against read-verify; or every witness against --layer. Prints, for each, what broke and
  the trace of the violating run (--brief: conclusions only). Exit 0 when every theorem is shown.`;

/** Runs `theorems`; returns the exit code. */
export async function theoremsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand('theorems', argv, {
    json: { type: 'boolean' },
    brief: { type: 'boolean' },
    layer: { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(`${THEOREMS_USAGE}\n`);
    return EXIT.ok;
  }
  const layer = typeof values.layer === 'string' ? loadLayer(parseLayerSpec(values.layer, io.cwd)) : undefined;
  const reports = await reproduceTheorems(layer === undefined ? {} : { layer });
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify(
        reports.map(({ witness, runs }) => ({
          id: witness.id,
          title: witness.title,
          statement: witness.statement,
          layer: witness.layer,
          shown: witness.shown,
          broken: witness.broken,
          conclusion: witness.conclusion,
          runs: runs.map(({ run, counterexample }) => ({
            name: run.name,
            verdicts: run.verdicts,
            ...(counterexample === undefined ? {} : { counterexample: counterexampleToYAML(counterexample) }),
          })),
        })),
        null,
        2,
      )}\n`,
    );
  } else {
    for (const { witness, runs } of reports) {
      io.stdout.write(
        `${witness.title} [${witness.layer}]: ${witness.shown ? `SHOWN (broke ${witness.broken})` : 'not shown'}\n`,
      );
      io.stdout.write(`  ${witness.statement}\n  ${witness.conclusion}\n`);
      if (values.brief) continue;
      for (const { run, counterexample } of runs) {
        if (counterexample === undefined) continue;
        io.stdout.write(`\n  witness run "${run.name}":\n${indent(renderText(counterexample))}\n`);
      }
      io.stdout.write('\n');
    }
  }
  return reports.every((r) => r.witness.shown) ? EXIT.ok : EXIT.violations;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : `    ${l}`))
    .join('\n');
}
