/**
 * Runs a driver script as host A against `rdmacheck agent` as host B on the fabric's simulated
 * devices, for the host tests of the native adapter that need real handles but no QEMU guest.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runFabric } from '../../../adapters/fabric';
import { addonPath } from '../../../adapters/native/binding';
import { fabricUnavailable, freePort } from '../../fabric/helpers';

const root = path.join(__dirname, '..', '..', '..');
const tsNode = ['-r', 'ts-node/register/transpile-only'];

/** Why these tests cannot run here (no addon, no fabric), or undefined when they can. */
export const agentPairUnavailable: string | undefined = !fs.existsSync(addonPath())
  ? `the native addon is not built (${addonPath()}; npm run build:native)`
  : fabricUnavailable([]);

/**
 * Runs test/native/fabric/<script> (given the agent's port) against an agent serving path
 * rdmacheck0::0; expects both to exit 0 and returns the last line the driver printed, parsed,
 * and what the agent wrote on stderr.
 */
export async function runDriverAgainstAgent(script: string): Promise<{ result: unknown; agentStderr: string }> {
  const port = freePort();
  const run = await runFabric({
    programs: [
      { command: process.execPath, args: [...tsNode, path.join(__dirname, script), String(port)] },
      {
        command: process.execPath,
        args: [
          ...tsNode,
          path.join(root, 'adapters/native/agent-cli.ts'),
          '--port',
          String(port),
          '--paths',
          'rdmacheck0::0',
        ],
      },
    ],
    timeoutMs: 60_000,
  });
  const [driver, agent] = run.programs;
  const detail = `driver: ${driver.stderr.slice(-1500)}\nagent: ${agent.stderr.slice(-1500)}`;
  expect({ driver: driver.code, agent: agent.code, detail }).toEqual({ driver: 0, agent: 0, detail });
  return { result: JSON.parse(driver.stdout.trim().split('\n').pop()!), agentStderr: agent.stderr };
}
