/**
 * describeFailoverLayer in a sharded CI job: the shard comes from the `shard` option or from
 * RDMACHECK_SHARD (jest shards files, not tests), shows in the suite's name, and moves the seed
 * to seed + index - 1, which the failure message reports for the replay.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { properties } from '../../properties';
import { describeFailoverLayer } from '../../src/jest';
import { resendAll } from '../../src/layers/resendAll';

/** The suite names and the first test's failure message of one describeFailoverLayer call. */
async function declare(
  options: Parameters<typeof describeFailoverLayer>[1],
): Promise<{ suites: string[]; failure: string }> {
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = { describe: g.describe, test: g.test };
  const suites: string[] = [];
  const tests: (() => Promise<void>)[] = [];
  g.describe = (name: string, fn: () => void) => {
    suites.push(name);
    fn();
  };
  g.test = (_name: string, fn: () => Promise<void>) => tests.push(fn);
  try {
    describeFailoverLayer(resendAll, options);
  } finally {
    g.describe = saved.describe;
    g.test = saved.test;
  }
  const failure = await tests[0]().then(
    () => '',
    (e: Error) => e.message,
  );
  return { suites, failure };
}

const base = () => ({
  properties: [properties.atMostOnce],
  opcodes: ['FETCH_ADD' as const],
  numRuns: 20,
  seed: 5,
  outDir: mkdtempSync(join(tmpdir(), 'rdmacheck-shard-')),
});

describe('describeFailoverLayer with a shard', () => {
  afterEach(() => {
    delete process.env.RDMACHECK_SHARD;
  });

  it('takes the shard option and runs under seed + index - 1', async () => {
    const { suites, failure } = await declare({ ...base(), shard: '2/4' });
    expect(suites).toEqual(['failover layer resend-all (shard 2/4)']);
    expect(failure).toContain('seed 6, path');
  });

  it('takes RDMACHECK_SHARD when no option is given', async () => {
    process.env.RDMACHECK_SHARD = '3/4';
    const { suites, failure } = await declare(base());
    expect(suites).toEqual(['failover layer resend-all (shard 3/4 from RDMACHECK_SHARD)']);
    expect(failure).toContain('seed 7, path');
  });

  it('refuses a malformed RDMACHECK_SHARD when the suite is declared', () => {
    process.env.RDMACHECK_SHARD = '4';
    expect(() => describeFailoverLayer(resendAll, base())).toThrow(
      'describeFailoverLayer (RDMACHECK_SHARD): shard must be "i/n" with 1 <= i <= n, e.g. "2/4" (got "4")',
    );
  });
});
