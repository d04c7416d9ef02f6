/**
 * The consumer's jest suite for its own layer: rdmacheck generates one test per property, and the
 * layer's known boundary (it does not mask failures of non-idempotent operations) is locked in.
 */
import { properties } from 'rdmacheck';
import { describeFailoverLayer } from 'rdmacheck/jest';
import { readRetryLayer } from '../src/readRetryLayer';

const NON_READ = ['WRITE', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'WRITE_WITH_IMM'] as const;

describeFailoverLayer(readRetryLayer, {
  numRuns: 40,
  byOpClass: true,
  opcodes: ['READ', 'WRITE', 'FETCH_ADD'],
  accept: [
    {
      property: 'failure-masking',
      opcodes: [...NON_READ],
      reason: 'only READs are retried; other errors reach the application by design',
    },
  ],
  outDir: 'rdmacheck-counterexamples',
  layerModule: 'src/readRetryLayer.ts',
});

describe('read-retry, with the rdmacheck matchers', () => {
  test('never executes a WR twice, whatever the faults', async () => {
    await expect(readRetryLayer).toSatisfy(properties.atMostOnce, { numRuns: 40 });
  });

  test('masks failures of READs (they are idempotent)', async () => {
    await expect(readRetryLayer).toSatisfy(properties.failureMasking, { opcodes: ['READ'], numRuns: 40 });
  });

  test('does not mask a failed FETCH_ADD: that is left to the application', async () => {
    await expect(readRetryLayer).toViolate(properties.failureMasking, { opcodes: ['FETCH_ADD'], numRuns: 40 });
  });
});
