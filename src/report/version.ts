/** The running rdmacheck version, read from the package's own package.json. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * rdmacheck's version. Why a search: this file runs from src/report (ts-node, jest) and from
 * dist/src/report (the published build), which sit at different depths below package.json.
 */
export function toolVersion(): string {
  if (cached !== undefined) return cached;
  cached = '0.0.0';
  for (let dir = __dirname, depth = 0; depth < 6; dir = dirname(dir), depth++) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rdmacheck' && typeof pkg.version === 'string') {
        cached = pkg.version;
        break;
      }
    } catch {
      // An unreadable package.json on the way up is not ours; keep looking.
    }
  }
  return cached;
}
