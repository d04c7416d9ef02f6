/**
 * The agent survives a driver that disconnects mid-scenario and serves the next driver: on the
 * fabric's simulated devices, `rdmacheck agent` runs as host B and test/native/fabric/
 * disconnecting-drivers.ts as host A (a driver that sets up, starts and posts, then drops the
 * connection; another that falls silent with its connection open; then a whole run through the
 * native adapter; then a shutdown). The fabric gives this
 * host the devices the agent needs, so no QEMU guest is required.
 */
import { agentPairUnavailable, runDriverAgainstAgent } from './fabric/driverAndAgent';

const why = agentPairUnavailable;
const withFabric = why ? test.skip : test;

describe('the native agent and a driver that goes away', () => {
  withFabric(
    `after a driver drops its connection mid-run, the agent serves a whole run to the next driver, then shuts down cleanly${why ? ` [skipped: ${why}]` : ''}`,
    async () => {
      const { result, agentStderr } = await runDriverAgainstAgent('disconnecting-drivers.ts');
      const ran = result as { first: unknown; second: unknown };
      expect(ran.first).toEqual(['dropped', 'fell silent']);
      // The third run went through: B's memory holds A's two WRITEs, each completed, and it ended quietly.
      expect(ran.second).toMatchObject({
        reason: 'quiescent',
        memoryB: [7, 8, 0, 0],
        completions: ['SUCCESS', 'SUCCESS'],
        last: 'End',
      });
      // The agent ended the dropped session when its connection closed, the silent one when the
      // next driver set up its run, and served that run.
      expect(agentStderr).toMatch(
        /session ended \(connection closed\)[\s\S]*session ended \(superseded by a new driver\)[\s\S]*run set up/,
      );
    },
    120_000,
  );
});
