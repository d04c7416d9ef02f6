/** The command line that replays a counterexample file, printed by every rendering. */

/**
 * `npx rdmacheck replay FILE` (FILE defaults to a placeholder when the file is not known yet),
 * with `--layer MODULE` for a layer that is not a reference layer.
 */
export function replayCommand(file?: string, layerModule?: string): string {
  const target = file === undefined ? '<counterexample>.yaml' : quoteForShell(file);
  return `npx rdmacheck replay ${target}${layerModule === undefined ? '' : ` --layer ${quoteForShell(layerModule)}`}`;
}

/** Quotes a path for a POSIX shell only when it needs it. */
function quoteForShell(word: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
