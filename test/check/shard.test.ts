/**
 * Shards of a campaign: "i/n" parses or is refused in one line; shard i of a campaign with base
 * seed S is the audit under seed S + i - 1, so shards are disjoint and each is reproducible on
 * its own; shard 1/1 is the plain audit.
 */
import { properties } from '../../properties';
import { checkLayer } from '../../src/check';
import { parseShard, shardFromEnv, shardSeed } from '../../src/check/shard';
import { layers } from '../../src/layers';

describe('parseShard', () => {
  it('reads "i/n" with 1 <= i <= n', () => {
    expect(parseShard('2/4', 'api')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ', 'api')).toEqual({ index: 1, count: 1 });
  });

  it.each(['0/4', '5/4', '2', 'a/b', '-1/2', '2/0', ''])('refuses "%s" with the form to write', (text) => {
    expect(() => parseShard(text, 'api')).toThrow(
      `api: shard must be "i/n" with 1 <= i <= n, e.g. "2/4" (got "${text}")`,
    );
  });

  it('reads RDMACHECK_SHARD, and nothing when it is unset or empty', () => {
    expect(shardFromEnv('api', { RDMACHECK_SHARD: '3/8' })).toEqual({ index: 3, count: 8 });
    expect(shardFromEnv('api', {})).toBeUndefined();
    expect(shardFromEnv('api', { RDMACHECK_SHARD: ' ' })).toBeUndefined();
    expect(() => shardFromEnv('api', { RDMACHECK_SHARD: '9/8' })).toThrow('api (RDMACHECK_SHARD): shard must be');
  });
});

describe('a shard of checkLayer', () => {
  it('gives every shard of a campaign its own seed', () => {
    const seeds = [1, 2, 3, 4].map((index) => shardSeed(10, { index, count: 4 }));
    expect(new Set(seeds).size).toBe(4);
    expect(shardSeed(10, { index: 1, count: 1 })).toBe(10);
  });

  it('is the audit under its seed, and says which shard it is', async () => {
    const opts = { numRuns: 30, opcodes: ['FETCH_ADD'] as const, properties: [properties.atMostOnce] };
    const sharded = await checkLayer(layers.resendAll, { ...opts, seed: 5, shard: { index: 3, count: 4 } });
    const plain = await checkLayer(layers.resendAll, { ...opts, seed: 7 });
    expect(sharded.seed).toBe(7);
    expect(sharded.shard).toEqual({ index: 3, count: 4 });
    const summary = (r: typeof plain) => r.results.map((x) => [x.status, x.runs, x.counterexample?.path]);
    expect(summary(sharded)).toEqual(summary(plain));
    expect(sharded.results[0].counterexample?.seed).toBe(7);
  });

  it('refuses a malformed shard with checkLayer first', async () => {
    await expect(checkLayer(layers.failStop, { shard: { index: 0, count: 2 } })).rejects.toThrow(
      'checkLayer: shard must be { index, count } with 1 <= index <= count',
    );
  });
});
