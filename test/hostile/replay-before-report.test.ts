/**
 * Replay before report: a counterexample is re-run twice in the same process before it is
 * reported; a re-run that diverges is a sender-view-determinism finding naming hidden state or
 * nondeterminism, with the first diverging event of both runs.
 */
import { checkLayer } from '../../src/check/checkLayer';
import { properties } from '../../properties';
import type { LayerEnv } from '../../src/core/layer';
import type { WorkCompletion } from '../../src/core/verbs';
import { forwarder, layerOf } from './audit';

/** Loses every completion on one run in three: the decision hangs on a counter kept across runs. */
function everyThirdRunLoses() {
  let created = 0;
  return layerOf('every-third-run-loses', (env: LayerEnv) => {
    if (env.host === 'A') created++;
    const lose = created % 3 === 0;
    return {
      ...forwarder(env),
      onCompletion: (_p: number, wc: WorkCompletion) => (lose ? undefined : env.deliver(wc)),
    };
  });
}

describe('replay before report', () => {
  it('a counterexample that does not reproduce on a re-run says so on its result', async () => {
    const report = await checkLayer(everyThirdRunLoses(), {
      opcodes: ['WRITE'],
      numRuns: 10,
      properties: [properties.failureMasking],
    });
    const fm = report.results.find((r) => r.property === 'failure-masking' && r.opcode === 'WRITE')!;
    expect(fm.status).toBe('violated');
    expect(fm.reason).toMatch(/did not reproduce when replayed \(re-run [12] in the same process\)/);
  });

  it('with sender-view-determinism judged, the divergence is its finding, with both diverging events', async () => {
    const report = await checkLayer(everyThirdRunLoses(), {
      opcodes: ['WRITE'],
      numRuns: 10,
      properties: [properties.failureMasking, properties.senderViewDeterminism],
    });
    const svd = report.results.find((r) => r.property === 'sender-view-determinism' && r.opcode === 'WRITE')!;
    expect(svd.status).toBe('violated');
    expect(svd.counterexample!.explanation).toMatch(
      /(replayed before it was reported and ran differently .* at event \d+ the reported run had .* and the replay .*hidden state)|(not a function of its observations)/,
    );
  });
});
