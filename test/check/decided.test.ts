/**
 * No work after a verdict: once every selected property has failed, the search stops generating
 * scenarios (it used to draw the rest of numRuns and skip them); a property that holds still
 * takes every run. Generation is counted with a fast-check plugin, so the test does not time.
 */
import fc from 'fast-check';
import { properties } from '../../properties';
import { checkLayer } from '../../src/check';
import { layers } from '../../src/layers';

let generated = 0;
// Global for this test file only (jest loads fast-check afresh per file).
fc.installGlobalPlugin(() => ({
  decorateGenerate: (next) => (mrng, runId) => {
    generated++;
    return next(mrng, runId);
  },
}));

describe('the search ends when every selected property is decided', () => {
  beforeEach(() => {
    generated = 0;
  });

  it('a failed property stops consuming runs: far fewer scenarios drawn than numRuns', async () => {
    const report = await checkLayer(layers.resendAll, {
      opcodes: ['FETCH_ADD'],
      properties: [properties.atMostOnce],
      numRuns: 5_000,
      shrinkTimeLimitMs: 0,
    });
    const cell = report.results.find((r) => r.opcode === 'FETCH_ADD')!;
    expect(cell.status).toBe('violated');
    // The runs up to the failure, and the one draw fast-check makes before it sees that the
    // failing run ended the search (a placeholder: the column's arbitrary is not drawn from);
    // shrinking starts from the case the search drew, without replaying its path.
    expect(generated).toBe(cell.runs + 1);
  });

  it('a property that holds takes every run, while the failed one next to it stops', async () => {
    const report = await checkLayer(layers.resendAll, {
      opcodes: ['FETCH_ADD'],
      properties: [properties.atMostOnce, properties.noQueueSliding],
      numRuns: 300,
      shrinkTimeLimitMs: 0,
    });
    const byName = Object.fromEntries(report.results.filter((r) => r.opcode).map((r) => [r.property, r]));
    expect(byName['at-most-once'].status).toBe('violated');
    expect(byName['at-most-once'].runs).toBeLessThan(300);
    expect(byName['no-queue-sliding']).toMatchObject({ status: 'holds', runs: 300 });
  });
});
