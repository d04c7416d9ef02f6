/**
 * What `rdmacheck shrink --adapter native` prints for each outcome: confirmed on real verbs, not
 * confirmed, or not reproduced by the simulator (a fidelity finding, both traces written). Real
 * verbs are stood in for by the simulator behind a non-deterministic adapter; the Soft-RoCE run
 * is test/native-vm/shrink.test.ts, in the VM stage, and README shows its output: the last tests
 * here keep the simulator's part of that output true (no fidelity finding is known on Soft-RoCE,
 * so that outcome is checked with the stand-in only).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
import { loadScenario, parseScenario } from '../../src/report/scenario-file';
import { loadTrace } from '../../src/report/load';
import { cli } from './io';

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
    expect(lines[1]).toMatch(/^ {2}native: violated: WR 1 \(FETCH_ADD \[0\] \+1\) executed twice at B/);
    // Relative to the working directory (the output folder here), as the user types them.
    expect(lines[2]).toBe(
      '  both traces: twelve-steps.at-most-once.native.yaml (native) and twelve-steps.at-most-once.sim.yaml (sim)',
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

describe("README's Soft-RoCE shrink (output of a VM run) stays true to the simulator's part of it", () => {
  const root = join(__dirname, '../..');
  const file = 'examples/bug-report/softroce.scenario.yaml';
  const section = readFileSync(join(root, 'README.md'), 'utf8').split('### A failure seen on real verbs')[1] ?? '';

  test('the scenario shown is examples/bug-report/softroce.scenario.yaml', () => {
    const shown = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(parseScenario(shown).scenario).toEqual(loadScenario(join(root, file)).scenario);
  });

  test('the sizes, candidates and steps shown are what shrinking that file on the simulator gives', async () => {
    // The shrinking itself runs on the simulator, so these lines of the VM run are reproducible here;
    // when they drift (the shrinker changed), run `bash scripts/ci-native.sh` and paste its output.
    const out = mkdtempSync(join(tmpdir(), 'rdmacheck-softroce-readme-'));
    const r = await cli(['shrink', file, '--layer', 'resend-all', '--property', 'at-most-once', '--out', out], {
      cwd: root,
    });
    const shown = (
      /```sh\n\$ npx rdmacheck shrink [^\n]*--adapter native[^\n]*\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
    )
      .split('\n')
      .slice(0, 2);
    expect(shown).toEqual(r.stdout.replace(' on sim: ', ' on native: ').split('\n').slice(0, 2));
  });
});
