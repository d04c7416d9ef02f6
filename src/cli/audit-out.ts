/**
 * The --out folder of an audit: each counterexample written (atomically) the moment the worker
 * finds it, so an interrupted audit still leaves every counterexample found so far, whole.
 */
import { isAbsolute, join, relative } from 'node:path';
import type { Counterexample, Report } from '../core/results';
import { counterexampleToYAML } from '../report/codec';
import { counterexampleBaseName } from '../report/file-name';
import { renderHtml } from '../report/html';
import { writeFileAtomic } from '../report/write-atomic';
import type { CliIo } from './io';

/** Writes one counterexample as YAML + HTML into `dir`; returns the YAML path as shown to the user. */
export function writeCounterexampleFiles(
  cx: Counterexample,
  dir: string,
  io: CliIo,
  layerModule: string | undefined,
): string {
  const base = join(dir, counterexampleBaseName(cx));
  // Relative to where the user stands when that is shorter and inside it; absolute otherwise.
  const rel = relative(io.cwd, `${base}.yaml`);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? `${base}.yaml` : rel;
  const extra = layerModule === undefined ? {} : { layerModule };
  // YAML last: a watcher that sees the YAML also finds its HTML.
  writeFileAtomic(`${base}.html`, renderHtml(cx, { file: shown, ...extra }));
  writeFileAtomic(`${base}.yaml`, counterexampleToYAML(cx, { file: shown, ...extra }));
  return shown;
}

/** Writes each counterexample (YAML + HTML) and report.html into `dir`; returns YAML paths by result index. */
export function writeOutputs(
  report: Report,
  dir: string | undefined,
  io: CliIo,
  layerModule: string | undefined,
): Record<number, string> {
  const files: Record<number, string> = {};
  if (dir === undefined) return files;
  report.results.forEach((r, k) => {
    if (r.counterexample !== undefined) files[k] = writeCounterexampleFiles(r.counterexample, dir, io, layerModule);
  });
  writeFileAtomic(
    join(dir, 'report.html'),
    renderHtml(report, { files, ...(layerModule === undefined ? {} : { layerModule }) }),
  );
  return files;
}
