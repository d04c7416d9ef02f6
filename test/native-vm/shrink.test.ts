/**
 * Shrinking a bug report seen on real verbs (issue 20): a scenario that breaks resend-all on
 * Soft-RoCE, with its faults as the native adapter injected them (exact drops by PSN), is shrunk
 * on the simulator to a 1-minimal scenario, and the minimal scenario is run on Soft-RoCE again: it
 * still violates the same property there. Then the same from the command line
 * (`rdmacheck shrink --adapter native`), whose output README's "Shrink your bug report" shows and
 * scripts/ci-native.sh prints. The other outcome, a native failure the simulator does not
 * reproduce (a fidelity finding), has no known case on Soft-RoCE (the differential stage agrees on
 * its whole corpus); test/cli/shrink-native.test.ts checks what it prints with a stand-in.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { native } from '../../adapters/native';
import { properties } from '../../properties';
import { minimizeScenario, counterexampleOfRun } from '../../src/check/minimize';
import type { MinimizeResult } from '../../src/check/minimize';
import { runScenario } from '../../src/check/run';
import { shrinkScenario } from '../../src/check/shrink';
import type { Execution } from '../../src/core/execution';
import { layers } from '../../src/layers';
import { renderText } from '../../src/report/text';
import { loadScenario } from '../../src/report/scenario-file';
import { cli } from '../cli/io';
import { brief, describeNative, of, PATHS, timed } from './support';

const REPO = path.resolve(__dirname, '..', '..');
const FILE = 'examples/bug-report/softroce.scenario.yaml';
/** What scripts/vm/guest-native.sh brings back for scripts/ci-native.sh to print (README shows it). */
const CLI_OUTPUT = '/tmp/rdmacheck-shrink.txt';
/** The confirming run on Soft-RoCE, as a lane chart (evidence for the README section). */
const NATIVE_CHART = '/tmp/rdmacheck-shrink-native.txt';
const AGENT = process.env.RDMACHECK_AGENT ?? '127.0.0.1:18600';

/** The native adapter with the scenario's own timeout and retry_cnt (no overrides), as the CLI builds it. */
function softRoce() {
  const [host, port] = AGENT.split(':');
  return native({ agent: { host, port: Number(port) }, paths: PATHS, livenessMs: 8000 });
}

describeNative('a failure seen on Soft-RoCE, shrunk on the simulator, confirmed on Soft-RoCE', () => {
  const property = properties.atMostOnce;
  const layer = layers.resendAll;
  const reported = loadScenario(path.join(REPO, FILE)).scenario;
  let seen: Execution | undefined;
  let shrunk: Extract<MinimizeResult, { outcome: 'shrunk' }> | undefined;

  test('on Soft-RoCE both drops are injected and resend-all executes a FETCH_ADD twice: at-most-once is violated', async () => {
    const run = await timed('the Soft-RoCE incident, resend-all', () =>
      runScenario(reported, layer, { adapter: softRoce() }),
    );
    const verdict = await property.check(run);
    const injected = of(run, 'Fault')
      .filter((e) => e.phase === 'begin')
      .map((e) => e.fault);
    console.log(
      `Soft-RoCE run: B[0] = ${run.end.memory.B[0]}; ${verdict.status === 'violated' ? verdict.explanation : verdict.status}`,
    );
    expect({
      injected: [...new Set(injected)].sort(),
      verdict: verdict.status,
      trace: verdict.status === 'violated' ? 'ok' : brief(run),
    }).toEqual({ injected: [0, 1], verdict: 'violated', trace: 'ok' });
    seen = run;
  });

  test("that run's scenario shrinks on the simulator to a smaller, 1-minimal scenario that violates at-most-once", async () => {
    if (seen === undefined) throw new Error('no Soft-RoCE run to shrink (the test before failed)');
    const r = await timed('minimizeScenario on the simulator', () =>
      minimizeScenario(seen!.scenario, layer, { property }),
    );
    if (r.outcome !== 'shrunk') throw new Error(`expected a shrunk scenario, got ${r.outcome}`);
    console.log(`minimal scenario (sim): ${JSON.stringify(r.scenario)}\n${r.minimal.verdict.explanation}`);
    expect(r.minimal.execution.adapter.name).toBe('sim');
    expect(r.sizeAfter).toBeLessThan(r.sizeBefore);
    expect(r.oneMinimal).toBe(true);
    // 1-minimal, checked apart from the descent: no single move of the shrinker still fails.
    for (const candidate of shrinkScenario(r.scenario)) {
      const v = await property.check(await runScenario(candidate, layer));
      expect({ candidate, status: v.status }).not.toEqual({ candidate, status: 'violated' });
    }
    shrunk = r;
  });

  test('the minimal scenario run on Soft-RoCE violates at-most-once there too', async () => {
    if (shrunk === undefined) throw new Error('no minimal scenario to confirm (the test before failed)');
    const run = await timed('the minimal scenario on Soft-RoCE', () =>
      runScenario(shrunk!.scenario, layer, { adapter: softRoce() }),
    );
    const verdict = await property.check(run);
    fs.writeFileSync(NATIVE_CHART, renderText(counterexampleOfRun(property.name, run, verdict)) + '\n');
    expect({ verdict: verdict.status, trace: verdict.status === 'violated' ? 'ok' : brief(run) }).toEqual({
      verdict: 'violated',
      trace: 'ok',
    });
    expect(verdict).toMatchObject({ explanation: expect.stringMatching(/executed twice/) });
  });

  test('rdmacheck shrink --adapter native says the same: sizes before and after, 1-minimal, confirmed on native', async () => {
    // In a folder of its own that has the repository's examples, so the command line is the README's.
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-shrink-vm-'));
    fs.symlinkSync(path.join(REPO, 'examples'), path.join(cwd, 'examples'));
    const argv = ['shrink', FILE, '--layer', 'resend-all', '--property', 'at-most-once', '--adapter', 'native'];
    const where = ['--agent', AGENT, '--paths', 'rxe0:eth0,rxe1:eth1', '--out', 'out'];
    const r = await timed('rdmacheck shrink --adapter native', () => cli([...argv, ...where], { cwd }));
    fs.writeFileSync(CLI_OUTPUT, `$ npx rdmacheck ${[...argv, ...where].join(' ')}\n${r.stdout}${r.stderr}`);
    const lines = r.stdout.split('\n');
    expect({ code: r.code, first: lines[0], stderr: r.stderr }).toEqual({
      code: 1,
      first: 'rdmacheck shrink: at-most-once violated by resend-all on native: 5 steps + 2 faults -> 1 step + 1 fault',
      stderr: '',
    });
    expect(lines[1]).toMatch(/^ {2}1-minimal: /);
    expect(lines).toContain('  confirmed on native: the minimal scenario violates at-most-once there too');
    expect(fs.readdirSync(path.join(cwd, 'out')).sort()).toEqual(['softroce.shrunk.html', 'softroce.shrunk.yaml']);
  });
});
