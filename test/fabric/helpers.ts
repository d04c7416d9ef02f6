/** What the fabric tests need, and the reason they skip when this machine lacks it. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fabricLibraryDir } from '../../adapters/fabric';

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Why the fabric tests cannot run here (undefined when they can). Builds the library first when
 * it is missing (scripts/build-fabric.js records why it could not).
 */
export function fabricUnavailable(
  programs: string[] = ['ibv_devices', 'ibv_devinfo', 'ibv_rc_pingpong'],
): string | undefined {
  if (process.platform !== 'linux') return `the fabric needs Linux (this is ${process.platform})`;
  const missing = programs.filter((p) => !has(p));
  if (missing.length > 0) return `${missing.join(', ')} not installed (apt-get install ibverbs-utils)`;
  const lib = join(fabricLibraryDir(), 'libibverbs.so.1');
  if (!existsSync(lib)) {
    const built = spawnSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'build-fabric.js')], {
      encoding: 'utf8',
    });
    if (!existsSync(lib)) return `the fabric library is not built: ${built.stdout.trim() || built.stderr.trim()}`;
  }
  return undefined;
}

/** `describe`, or `describe.skip` after printing why. */
export function describeFabric(name: string, programs?: string[]): jest.Describe {
  const reason = fabricUnavailable(programs);
  if (reason === undefined) return describe;
  console.log(`${name}: skipped: ${reason}`);
  return describe.skip;
}

/** A TCP port for one run, apart from other test files' (pingpong's server listens on it). */
let nextPort = 20000 + (process.pid % 5000) * 4;
export function freePort(): number {
  return nextPort++;
}
