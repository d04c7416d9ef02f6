/** `rdmacheck theorems [--json] [--layer L]`: reproduce the seed paper's theorems and print their witnesses. */
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { CounterexampleData } from '../../core/results';
import { renderText, wrap } from '../../report/text';
import { writeCounterexampleFile } from '../../report/write-counterexample';
import { counterexampleToYAML } from '../../report/codec';
import { parseCommand } from '../args';
import { EXIT } from '../errors';
import type { CliIo } from '../io';
import { loadLayer, parseLayerSpec } from '../load-layer';
import { reproduceTheorems } from '../theorems';

/** Usage of theorems. */
export const THEOREMS_USAGE = `usage: rdmacheck theorems [--json] [--brief] [--out DIR] [--layer NAME|MODULE]
  Runs the seed paper's witness scenarios on the simulator: Theorem 1 (T1/T2 twin pair) against
  resend-all and fail-stop, Theorem 2 (FADD, queue sliding, CAS) against resend-all, Theorem 3
  (ABA) against read-verify; or every witness against --layer. Prints, for each, what broke and
  the trace of the violating run (--brief: conclusions only), then a summary. --out DIR writes each
  violating witness run as a replayable counterexample file. Exit 0 when every theorem is shown.`;

/** Runs `theorems`; returns the exit code. */
export async function theoremsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand('theorems', argv, {
    json: { type: 'boolean' },
    brief: { type: 'boolean' },
    layer: { type: 'string' },
    out: { type: 'string' },
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
    const outDir = typeof values.out === 'string' ? resolve(io.cwd, values.out) : undefined;
    for (const { witness, runs } of reports) {
      io.stdout.write(
        `${witness.title} [${witness.layer}]: ${witness.shown ? `SHOWN (broke ${witness.broken})` : 'not shown'}\n`,
      );
      for (const line of [...wrap(witness.statement, 96), ...wrap(witness.conclusion, 96)])
        io.stdout.write(`  ${line}\n`);
      if (values.brief && outDir === undefined) continue;
      for (const { run, counterexample } of runs) {
        if (counterexample === undefined) continue;
        const file = outDir === undefined ? undefined : writeWitness(counterexample, witness.id, run.name, outDir, io);
        if (values.brief) continue;
        // A witness run is a hand-written scenario, not a seed's: say so, and give a replay command only for a real file.
        const text = renderText(counterexample, {
          origin: `witness run "${run.name}" of ${witness.id} (a scenario from the paper, not generated)`,
          ...(file === undefined ? { replay: false as const } : { file }),
        });
        io.stdout.write(`\n  witness run "${run.name}":\n${indent(text)}\n`);
      }
      io.stdout.write('\n');
    }
    const shown = reports.filter((r) => r.witness.shown).length;
    io.stdout.write(
      `theorems: ${shown} of ${reports.length} witnesses shown${
        shown === reports.length
          ? ''
          : ` (not shown: ${reports
              .filter((r) => !r.witness.shown)
              .map((r) => `${r.witness.id} [${r.witness.layer}]`)
              .join(', ')})`
      }` +
        `${outDir === undefined ? '; --out DIR writes each witness run as a replayable file' : `; witness runs written to ${relative(io.cwd, outDir) || outDir}`}\n`,
    );
  }
  return reports.every((r) => r.witness.shown) ? EXIT.ok : EXIT.violations;
}

/** Writes one witness run as a counterexample file; returns its path as the user should type it. */
function writeWitness(cx: CounterexampleData, id: string, runName: string, dir: string, io: CliIo): string {
  const slug = runName
    .split(':')[0]
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .slice(0, 24)
    .replace(/_+$/, '');
  const file = join(dir, `${id}.${cx.layer}.${slug}.yaml`);
  const rel = relative(io.cwd, file);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  writeCounterexampleFile(file, cx, { file: shown });
  return shown;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : `    ${l}`))
    .join('\n');
}
