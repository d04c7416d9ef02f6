/** What a failing rdmacheck test shows, and the counterexample file it leaves behind. */
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { CounterexampleData } from '../core/results';
import { counterexampleBaseName } from '../report/file-name';
import { renderText } from '../report/text';
import { findReferenceLayer } from '../check/replay';
import { writeCounterexampleFile } from '../report/write-counterexample';

/** Where counterexample files go: the option, else $RDMACHECK_OUT_DIR, else ./rdmacheck-counterexamples. */
export function resolveOutDir(outDir: string | undefined): string {
  return resolve(process.cwd(), outDir ?? process.env.RDMACHECK_OUT_DIR ?? 'rdmacheck-counterexamples');
}

/**
 * Writes the counterexample's YAML into `outDir`, only if it loads back (else throws rdmacheck's
 * own bug report); returns its path relative to the working directory.
 */
export function writeCounterexample(cx: CounterexampleData, outDir: string): string {
  const file = join(outDir, `${counterexampleBaseName(cx)}.yaml`);
  const rel = relative(process.cwd(), file);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  writeCounterexampleFile(file, cx, { file: shown });
  return shown;
}

/** The replay command for a counterexample, with --layer when the layer is not a reference layer. */
export function replayLine(cx: CounterexampleData, file: string, layerModule: string | undefined): string {
  if (layerModule !== undefined) return `npx rdmacheck replay ${file} --layer ${layerModule}`;
  if (findReferenceLayer(cx.layer) !== undefined) return `npx rdmacheck replay ${file}`;
  // A layer rdmacheck cannot find by name: the placeholder says what to fill in, and how to avoid it.
  return `npx rdmacheck replay ${file} --layer <path to the module exporting ${cx.layer}> (pass layerModule to print it here)`;
}

/** The failure message: the explanation, the seed and path, the replay command, the lane chart. */
export function failureMessage(cx: CounterexampleData, file: string, layerModule: string | undefined): string {
  // One replay command, the same in the header and in the chart's heading.
  const replay = replayLine(cx, file, layerModule);
  return [
    `${cx.property} violated by ${cx.layer}: ${cx.explanation}`,
    '',
    `seed ${cx.seed}, path "${cx.path}"`,
    `counterexample: ${file}`,
    `replay: ${replay}`,
    '',
    renderText(cx, { file, maxEvents: 80, replay }),
  ].join('\n');
}
