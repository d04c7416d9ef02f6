/**
 * Hostile layers whose decisions are not a function of their observations: Date.now,
 * Math.random, state kept in the module across instances and runs. Each is a
 * sender-view-determinism finding.
 */
import type { LayerEnv } from '../../src/core/layer';
import type { SendWr } from '../../src/core/verbs';
import { auditHostile, forwarder, layerOf, violated } from './audit';

describe('hostile layers: nondeterminism', () => {
  it('reads Date.now to pick a path: sender-view-determinism names the clock', async () => {
    const a = await auditHostile(
      layerOf('wall-clock', (env: LayerEnv) => ({
        ...forwarder(env),
        postSend: (wr: SendWr) => void env.post(Date.now() % 2, wr),
      })),
    );
    expect(violated(a)).toContain('sender-view-determinism');
    expect(a.cells['sender-view-determinism'].counterexample!.explanation).toMatch(/Date\.now\(\) x\d+/);
  });

  it('reads Math.random to pick a path: sender-view-determinism names it', async () => {
    const a = await auditHostile(
      layerOf('coin-flip', (env: LayerEnv) => ({
        ...forwarder(env),
        postSend: (wr: SendWr) => void env.post(Math.random() < 0.5 ? 0 : 1, wr),
      })),
    );
    expect(violated(a)).toContain('sender-view-determinism');
    expect(a.cells['sender-view-determinism'].counterexample!.explanation).toMatch(/Math\.random\(\) x\d+/);
  });

  it('keeps state across runs in a module-level counter: sender-view-determinism', async () => {
    let posted = 0; // survives every instance and every run
    const a = await auditHostile(
      layerOf('cross-run-counter', (env: LayerEnv) => ({
        ...forwarder(env),
        postSend: (wr: SendWr) => void env.post(posted++ % 2, wr),
      })),
    );
    expect(violated(a)).toContain('sender-view-determinism');
  });
});
