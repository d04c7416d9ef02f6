/**
 * The --out folder of an audit: each counterexample written (atomically) the moment the worker
 * finds it, so an interrupted audit still leaves every counterexample found so far, whole.
 */
import { isAbsolute, join, relative } from 'node:path';
import type { Counterexample, Report } from '../core/results';
import { counterexampleBaseName } from '../report/file-name';
import { renderHtml } from '../report/html';
import { writeFileAtomic } from '../report/write-atomic';
import { checkedCounterexampleYAML, UnreadableCounterexampleError } from '../report/write-counterexample';
import type { CliIo } from './io';

/**
 * Writes one counterexample as YAML + HTML into `dir`; returns the YAML path as shown to the user.
 * A YAML its own loader would refuse is rdmacheck's bug: that is said on stderr, nothing is
 * written for it, and undefined is returned (the rest of the audit goes on).
 */
export function writeCounterexampleFiles(
  cx: Counterexample,
  dir: string,
  io: CliIo,
  layerModule: string | undefined,
): string | undefined {
  const base = join(dir, counterexampleBaseName(cx));
  // Relative to where the user stands when that is shorter and inside it; absolute otherwise.
  const rel = relative(io.cwd, `${base}.yaml`);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? `${base}.yaml` : rel;
  const extra = layerModule === undefined ? {} : { layerModule };
  let yaml: string;
  try {
    yaml = checkedCounterexampleYAML(cx, `${base}.yaml`, { file: shown, ...extra });
  } catch (e) {
    if (!(e instanceof UnreadableCounterexampleError)) throw e;
    io.stderr.write(`${e.message}\n`);
    return undefined;
  }
  // YAML last: a watcher that sees the YAML also finds its HTML.
  writeFileAtomic(`${base}.html`, renderHtml(cx, { file: shown, ...extra }));
  writeFileAtomic(`${base}.yaml`, yaml);
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
    const file =
      r.counterexample === undefined ? undefined : writeCounterexampleFiles(r.counterexample, dir, io, layerModule);
    if (file !== undefined) files[k] = file;
  });
  writeFileAtomic(
    join(dir, 'report.html'),
    renderHtml(report, { files, ...(layerModule === undefined ? {} : { layerModule }) }),
  );
  return files;
}
