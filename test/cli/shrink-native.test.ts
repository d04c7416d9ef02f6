/**
 * What `rdmacheck shrink --adapter native` prints for each outcome: confirmed on real verbs, not
 * confirmed, or not reproduced by the simulator (a fidelity finding, both traces written). Real
 * verbs are stood in for by the simulator behind a non-deterministic adapter; the Soft-RoCE run
 * belongs to the VM stage.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sim } from '../../adapters/sim';
import { minimizeScenario } from '../../src/check/minimize';
import { shrinkReport } from '../../src/cli/commands/shrink';
import type { CliIo } from '../../src/cli/io';
import type { ScenarioInput } from '../../src/cli/scenario-input';
import type { Adapter } from '../../src/core/execution';
import type { FailoverLayer } from '../../src/core/layer';
import type { Scenario } from '../../src/core/scenario';
import { layers } from '../../src/layers';
import { loadScenario } from '../../src/report/scenario-file';
import { loadTrace } from '../../src/report/load';

const fixture = join(__dirname, '../fixtures/scenarios/twelve-steps.scenario.yaml');

/** The simulator behind an adapter named `native` that is neither deterministic nor synchronous. */
function standIn(rewrite: (s: Scenario) => Scenario): Adapter {
  const fabric = sim();
  const adapter: Adapter = {
    name: 'native',
    capabilities: { ...fabric.capabilities, deterministic: false },
    async run(scenario: Scenario, layer: FailoverLayer) {
      return { ...fabric.runSync!(rewrite(scenario), layer), scenario, adapter };
    },
  };
  return adapter;
}

async function shrinkOn(adapter: Adapter, scenario?: Scenario): Promise<{ lines: string[]; out: string }> {
  const out = mkdtempSync(join(tmpdir(), 'rdmacheck-shrink-native-'));
  const loaded = loadScenario(fixture);
  const input: ScenarioInput = {
    loaded: scenario === undefined ? loaded : { ...loaded, scenario },
    fileArg: 'twelve-steps.scenario.yaml',
    layer: layers.resendAll,
    adapter,
  };
  const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: out };
  const result = await minimizeScenario(input.loaded.scenario, input.layer, { adapter });
  return { lines: shrinkReport(result, input, out, io, {}), out };
}

describe('rdmacheck shrink --adapter native', () => {
  test('confirmed: the minimal scenario fails on the native adapter too', async () => {
    const { lines } = await shrinkOn(standIn((s) => s));
    expect(lines[0]).toMatch(
      /^rdmacheck shrink: at-most-once violated by resend-all on native: 12 steps \+ 3 faults -> /,
    );
    expect(lines).toContain('  confirmed on native: the minimal scenario violates at-most-once there too');
  });

  test('not confirmed: said plainly, with the verdict on the native adapter', async () => {
    const { lines } = await shrinkOn(standIn((s) => (s.workload.length < 3 ? { ...s, faults: [] } : s)));
    expect(lines.find((l) => l.includes('NOT confirmed'))).toMatch(
      /^ {2}NOT confirmed on native: the minimal scenario fails on sim but on native holds/,
    );
  });

  test('not reproduced by the simulator: a fidelity finding, and both traces written', async () => {
    const lossy = standIn((s) => ({ ...s, faults: [...s.faults, { kind: 'drop-response', path: 0, count: 'all' }] }));
    const calm: Scenario = {
      workload: [{ kind: 'post', wr: { id: 1, opcode: 'FETCH_ADD', addr: 0, add: 1 } }],
      faults: [],
    };
    const { lines, out } = await shrinkOn(lossy, calm);
    expect(lines[0]).toMatch(
      /^rdmacheck shrink: fidelity finding: at-most-once is violated by resend-all on native, but the simulator does not reproduce it \(sim: holds\); nothing was shrunk$/,
    );
    expect(
      readdirSync(out)
        .filter((f) => f.endsWith('.yaml'))
        .sort(),
    ).toEqual(['twelve-steps.at-most-once.native.yaml', 'twelve-steps.at-most-once.sim.yaml']);
    expect(loadTrace(join(out, 'twelve-steps.at-most-once.native.yaml')).verdict?.status).toBe('violated');
    expect(loadTrace(join(out, 'twelve-steps.at-most-once.sim.yaml')).verdict?.status).toBe('holds');
  });
});
