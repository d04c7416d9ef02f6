/**
 * Shards of a campaign: shard i of n runs the same audit under its own seed, base seed + i - 1,
 * so the n shards search disjoint, reproducible streams of scenarios and shard 1/1 is the plain
 * audit. Every counterexample records its shard's seed, so it replays without knowing the shard.
 * jest shards test files, not tests, so describeFailoverLayer also reads RDMACHECK_SHARD.
 */

/** Shard `index` (from 1) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The environment variable describeFailoverLayer reads its shard from ("i/n"), e.g. per CI job. */
export const SHARD_ENV = 'RDMACHECK_SHARD';

/** Parses "i/n" (1 <= i <= n); throws a TypeError starting with `api` and saying what to write. */
export function parseShard(text: string, api: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 1 || count < 1 || index > count)
    throw new TypeError(`${api}: shard must be "i/n" with 1 <= i <= n, e.g. "2/4" (got "${text}")`);
  return { index, count };
}

/** Checks a Shard given as an object; throws a TypeError starting with `api`. */
export function validShard(shard: unknown, api: string): Shard {
  const s = shard as Partial<Shard> | null;
  const ok =
    s !== null &&
    typeof s === 'object' &&
    Number.isSafeInteger(s.index) &&
    Number.isSafeInteger(s.count) &&
    (s.index as number) >= 1 &&
    (s.index as number) <= (s.count as number);
  if (!ok)
    throw new TypeError(`${api}: shard must be { index, count } with 1 <= index <= count, e.g. { index: 2, count: 4 }`);
  return { index: s!.index!, count: s!.count! };
}

/** The shard named by RDMACHECK_SHARD, or undefined when it is unset or empty. */
export function shardFromEnv(api: string, env: Record<string, string | undefined> = process.env): Shard | undefined {
  const text = env[SHARD_ENV];
  if (text === undefined || text.trim() === '') return undefined;
  return parseShard(text, `${api} (${SHARD_ENV})`);
}

/** The seed shard `shard` of a campaign with base seed `seed` runs under. */
export function shardSeed(seed: number, shard: Shard | undefined): number {
  return shard === undefined ? seed : seed + shard.index - 1;
}
