/** Writing output files whole or not at all. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to `file` through a temporary file in the same folder and a rename, so a reader
 * (or a crash, or a killed audit) never sees half a file. Creates the folder if needed.
 */
export function writeFileAtomic(file: string, text: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  // Same folder, so the rename is atomic (same filesystem). A temp name of its own per write (pid
  // and random bytes: worker threads share the pid) keeps concurrent audits into one folder apart;
  // when two write the same file, the last rename wins, whole.
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
