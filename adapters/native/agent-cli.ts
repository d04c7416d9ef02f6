/**
 * Command-line entry of the agent, until `rdmacheck agent` is wired in the CLI:
 *   node -r ts-node/register/transpile-only adapters/native/agent-cli.ts --port 18600 \
 *     --paths rxe0:eth0,rxe1:eth1 [--host 0.0.0.0] [--once] [--preload module]
 * --preload loads a module (e.g. the layers) before listening, so the first run is not slowed by it.
 * Each path is device[:netdev[:gidIndex]]. Exit code 0 when it stopped cleanly, 2 on bad usage or
 * when the native backend is unavailable (the reason is printed).
 */
import { runAgent } from './agent';
import type { NativePathOptions } from './config';

/** Parses `rxe0:eth0,rxe1:eth1` into path options. */
export function parsePaths(spec: string): NativePathOptions[] {
  return spec
    .split(',')
    .filter(Boolean)
    .map((p) => {
      const [device, netdev, gid] = p.split(':');
      return { device, ...(netdev ? { netdev } : {}), ...(gid !== undefined ? { gidIndex: Number(gid) } : {}) };
    });
}

async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const k = argv.indexOf(name);
    return k >= 0 ? argv[k + 1] : undefined;
  };
  const port = Number(arg('--port') ?? 18600);
  const paths = parsePaths(arg('--paths') ?? 'rxe0:eth0,rxe1:eth1');
  try {
    const preload = arg('--preload');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- --preload names a module at run time
    if (preload) require(require('path').resolve(preload));
    const agent = await runAgent({ port, host: arg('--host'), paths, once: argv.includes('--once') });
    await agent.closed;
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
