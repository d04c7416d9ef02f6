/**
 * The native adapter stops a layer that never stops working with the scenario's work budget
 * (maxLayerSteps), on either host, and the run ends with reason 'work-budget' and a LayerFault
 * naming the limit, as on the simulator. On the fabric's simulated devices: test/native/fabric/
 * budget-runs.ts is host A (the driver), `rdmacheck agent` host B.
 */
import { agentPairUnavailable, runDriverAgainstAgent } from './fabric/driverAndAgent';

const why = agentPairUnavailable;
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
      const result = (await runDriverAgainstAgent('budget-runs.ts')).result as Record<string, Ended>;
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
