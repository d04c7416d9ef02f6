/**
 * rdmacheck merge folds the JSON reports of a sharded audit into one matrix: runs add up, a
 * violation in any shard makes the cell violated with the smallest counterexample, and reports
 * of different campaigns, repeated shards or files that are no audit report are refused in one
 * line (exit 2).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeAudits } from '../../src/cli/merge-report';
import type { JsonAudit } from '../../src/cli/merge-report';
import { cli } from './io';

function shard(index: number, over: Partial<JsonAudit> = {}, cells: JsonAudit['results'] = []): JsonAudit {
  return {
    layer: 'resend-all',
    adapter: 'sim',
    seed: index,
    shard: { index, count: 3 },
    ok: true,
    scenarios: 100,
    elapsedMs: 1000 * index,
    results: cells.length > 0 ? cells : [{ property: 'at-most-once', opcode: 'WRITE', status: 'holds', runs: 100 }],
    ...over,
  };
}

const violated = (seed: number, size: number) => ({
  property: 'at-most-once',
  opcode: 'WRITE',
  status: 'violated' as const,
  runs: 10,
  counterexample: { explanation: 'twice', seed, path: '3', size, file: null },
});

describe('mergeAudits', () => {
  it('adds runs and scenarios; the slowest shard is the campaign wall time', () => {
    const m = mergeAudits([1, 2, 3].map((i) => ({ source: `s${i}`, audit: shard(i) })));
    expect(m.results).toEqual([{ property: 'at-most-once', opcode: 'WRITE', status: 'holds', runs: 300 }]);
    expect(m.scenarios).toBe(300);
    expect(m.elapsedMs).toBe(3000);
    expect(m.missingShards).toEqual([]);
    expect(m.ok).toBe(true);
  });

  it('keeps the smallest counterexample of the shards that found one', () => {
    const m = mergeAudits([
      { source: 'a', audit: shard(1, {}, [violated(1, 4)]) },
      { source: 'b', audit: shard(2) },
      { source: 'c', audit: shard(3, {}, [violated(3, 2)]) },
    ]);
    expect(m.ok).toBe(false);
    expect(m.results[0]).toMatchObject({ status: 'violated', runs: 120, counterexample: { seed: 3, size: 2 } });
  });

  it('names the shards no report covers', () => {
    expect(mergeAudits([{ source: 'a', audit: shard(2) }]).missingShards).toEqual([1, 3]);
  });

  it('refuses reports of two layers, or the same shard twice', () => {
    expect(() =>
      mergeAudits([
        { source: 'a', audit: shard(1) },
        { source: 'b', audit: shard(2, { layer: 'shift' }) },
      ]),
    ).toThrow('b audits shift on sim, a audits resend-all on sim: merge the shards of one campaign');
    expect(() =>
      mergeAudits([
        { source: 'a', audit: shard(1) },
        { source: 'b', audit: shard(1) },
      ]),
    ).toThrow('b and a ran the same seed 1: the same shard twice (give each once)');
  });
});

describe('rdmacheck audit --shard and rdmacheck merge', () => {
  it('merges two real shards into one matrix with the campaign total', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-merge-'));
    const files: string[] = [];
    for (const i of [1, 2]) {
      const run = await cli([
        'audit',
        'resend-all',
        '--opcodes',
        'FETCH_ADD',
        '--properties',
        'at-most-once',
        '--runs',
        '20',
        '--shard',
        `${i}/2`,
        '--format',
        'json',
      ]);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({ seed: i, shard: { index: i, count: 2 } });
      expect(report.results[0].counterexample.size).toBeGreaterThan(0);
      files.push(join(dir, `shard${i}.json`));
      writeFileSync(files[i - 1], run.stdout);
    }
    const merged = await cli(['merge', ...files]);
    expect(merged.code).toBe(1);
    expect(merged.stdout).toMatch(/^rdmacheck merge: layer resend-all on sim, 2 shard reports \(seeds 1, 2\)/);
    expect(merged.stdout).toMatch(/scenarios; the slowest shard took .* scenarios\/s for the campaign run in parallel/);
    expect(merged.stdout).toMatch(/at-most-once \[FETCH_ADD\] violated: /);
  }, 60_000);

  it('refuses a bad shard and a file that is no audit report, in one line', async () => {
    const bad = await cli(['audit', 'resend-all', '--shard', '3/2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'rdmacheck audit: --shard: shard must be "i/n" with 1 <= i <= n, e.g. "2/4" (got "3/2")',
    );
    const dir = mkdtempSync(join(tmpdir(), 'rdmacheck-merge-'));
    writeFileSync(join(dir, 'x.json'), '{"layer": "x"}');
    const notReport = await cli(['merge', join(dir, 'x.json')]);
    expect(notReport.code).toBe(2);
    expect(notReport.stderr.trim().split('\n')).toHaveLength(1);
    expect(notReport.stderr).toContain(
      'is not an audit report (no layer or adapter); write one with rdmacheck audit LAYER --format json',
    );
  });
});
