/**
 * Hostile layers given to the CLI by module path: the audit runs them in a worker (heap-limited,
 * wall-clock watchdog) and replays each counterexample in a fresh worker before reporting it.
 * (A layer that loops without calling env is stopped by the watchdog: test/cli/errors.test.ts.)
 */
import { join } from 'node:path';
import { cli } from '../cli/io';

const fixtures = join(__dirname, 'fixtures');

describe('rdmacheck audit of hostile module layers', () => {
  it('the cross-run-state layer is reported as a sender-view-determinism violation', async () => {
    const r = await cli(
      ['audit', join(fixtures, 'cross-run-state.js'), '--opcodes', 'SEND', '--runs', '30', '--format', 'json'],
      { cwd: fixtures },
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      results: { property: string; opcode?: string; status: string; explanation?: string; reason?: string }[];
    };
    const svd = report.results.find((x) => x.property === 'sender-view-determinism' && x.opcode === 'SEND');
    expect(svd).toBeDefined();
    expect(svd!.status).toBe('violated');
    expect((svd as unknown as { counterexample: { explanation: string } }).counterexample.explanation).toMatch(
      /hidden state|not a function of its observations/,
    );
    // The completion-fidelity counterexample depended on the Set: it did not reproduce in a fresh worker.
    const cf = report.results.find((x) => x.property === 'completion-fidelity' && x.opcode === 'SEND');
    expect(cf?.reason).toMatch(/did not reproduce when replayed \(a fresh worker/);
  }, 180_000);
});
