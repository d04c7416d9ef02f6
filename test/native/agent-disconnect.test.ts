/**
 * The agent survives a driver that disconnects mid-scenario and serves the next driver: on the
 * fabric's simulated devices, `rdmacheck agent` runs as host B and test/native/fabric/
 * disconnecting-drivers.ts as host A (a driver that sets up, starts and posts, then drops the
 * connection; another that falls silent with its connection open; then a whole run through the
 * native adapter; then a shutdown). The fabric gives this
 * host the devices the agent needs, so no QEMU guest is required.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runFabric } from '../../adapters/fabric';
import { addonPath } from '../../adapters/native/binding';
import { fabricUnavailable, freePort } from '../fabric/helpers';

const root = path.join(__dirname, '..', '..');
const why = !fs.existsSync(addonPath())
  ? `the native addon is not built (${addonPath()}; npm run build:native)`
  : fabricUnavailable([]);
const withFabric = why ? test.skip : test;

describe('the native agent and a driver that goes away', () => {
  withFabric(
    `after a driver drops its connection mid-run, the agent serves a whole run to the next driver, then shuts down cleanly${why ? ` [skipped: ${why}]` : ''}`,
    async () => {
      const port = freePort();
      const tsNode = ['-r', 'ts-node/register/transpile-only'];
      const run = await runFabric({
        programs: [
          {
            command: process.execPath,
            args: [...tsNode, path.join(root, 'test/native/fabric/disconnecting-drivers.ts'), String(port)],
          },
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
      const result = JSON.parse(driver.stdout.trim().split('\n').pop()!);
      expect(result.first).toEqual(['dropped', 'fell silent']);
      // The third run went through: B's memory holds A's two WRITEs, each completed, and it ended quietly.
      expect(result.second).toMatchObject({
        reason: 'quiescent',
        memoryB: [7, 8, 0, 0],
        completions: ['SUCCESS', 'SUCCESS'],
        last: 'End',
      });
      // The agent ended the dropped session when its connection closed, the silent one when the
      // next driver set up its run, and served that run.
      expect(agent.stderr).toMatch(
        /session ended \(connection closed\)[\s\S]*session ended \(superseded by a new driver\)[\s\S]*run set up/,
      );
    },
    120_000,
  );
});
