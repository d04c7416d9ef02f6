/**
 * The native adapter stops a layer that never stops working with the scenario's work budget
 * (maxLayerSteps), on either host, and the run ends with reason 'work-budget' and a LayerFault
 * naming the limit, as on the simulator. On the fabric's simulated devices: test/native/fabric/
 * budget-runs.ts is host A (the driver), `rdmacheck agent` host B.
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

interface Ended {
  reason: string;
  ms: number;
  faults: { host: string; during: string; reason: string }[];
}

describe('the native adapter and a layer that loops', () => {
  withFabric(
    `a loop in A's postSend and one in B's postRecv each end the run with reason work-budget${why ? ` [skipped: ${why}]` : ''}`,
    async () => {
      const port = freePort();
      const tsNode = ['-r', 'ts-node/register/transpile-only'];
      const run = await runFabric({
        programs: [
          {
            command: process.execPath,
            args: [...tsNode, path.join(root, 'test/native/fabric/budget-runs.ts'), String(port)],
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
      const result = JSON.parse(driver.stdout.trim().split('\n').pop()!) as Record<string, Ended>;
      const budget = expect.stringMatching(/^exceeded the work budget of 500 steps per run \(maxLayerSteps/);
      expect(result['posts-forever']).toMatchObject({
        reason: 'work-budget',
        faults: [{ host: 'A', during: 'postSend', reason: budget }],
      });
      expect(result['recv-loops-on-b']).toMatchObject({
        reason: 'work-budget',
        faults: [{ host: 'B', during: 'postRecv', reason: budget }],
      });
    },
    90_000,
  );
});
