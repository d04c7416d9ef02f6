/**
 * report.coverage and requireCoverage: the audit counts, per op class, the runs that exercised each
 * class, and fails, naming the class, when a required class was exercised too rarely, even when
 * every property holds (QuickCheck's checkCoverage).
 */
import { properties } from '../../../properties';
import { checkLayer } from '../../../src/check';
import { COVERAGE_CLASS_NAMES } from '../../../src/check/coverage/classes';
import { layers } from '../../../src/layers';
import { renderCoverageText } from '../../../src/report/coverage';
import { cli } from '../../cli/io';

const audit = (requireCoverage?: Record<string, number>) =>
  checkLayer(layers.failStop, {
    numRuns: 40,
    opcodes: ['WRITE', 'FETCH_ADD'],
    properties: [properties.atMostOnce],
    ...(requireCoverage === undefined ? {} : { requireCoverage }),
  });

describe('report.coverage', () => {
  it('has a row per op class listing every coverage class, each count at most the runs', async () => {
    const report = await audit();
    expect(Object.keys(report.coverage!)).toEqual(['WRITE', 'FETCH_ADD', 'mixed']);
    for (const row of Object.values(report.coverage!)) {
      expect(Object.keys(row)).toEqual(COVERAGE_CLASS_NAMES);
      for (const runs of Object.values(row)) expect(runs).toBeLessThanOrEqual(40);
    }
    // Generated faults lose requests and responses often: both classes are reached in 40 runs.
    expect(report.coverage!.WRITE['request-lost-before-execution']).toBeGreaterThan(0);
    expect(report.coverage!.FETCH_ADD['response-lost-after-execution']).toBeGreaterThan(0);
    // Atomics only: no WRITE run can have a duplicate atomic answered from the cache.
    expect(report.coverage!.WRITE['atomic-from-cache']).toBe(0);
  });

  it('renders as a table: a row per class, a column per op class', async () => {
    const text = renderCoverageText(await audit());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^coverage class\s+WRITE\s+FETCH_ADD\s+mixed$/);
    expect(lines).toHaveLength(2 + COVERAGE_CLASS_NAMES.length);
    expect(lines[2]).toMatch(/^request-lost-before-execution\s+\d+\s+\d+\s+\d+$/);
  });
});

describe('requireCoverage', () => {
  it('a requirement met leaves the audit ok', async () => {
    const report = await audit({ 'request-lost-before-execution': 1 });
    expect(report.ok).toBe(true);
    expect(report.coverageShortfalls).toEqual([]);
  });

  it('a requirement missed fails the audit though every property holds, naming the class', async () => {
    const report = await audit({ 'control-channel-loss': 1, 'request-lost-before-execution': 1 });
    expect(report.results.every((r) => r.status === 'holds')).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.coverageShortfalls!.map((s) => [s.coverageClass, s.required, s.runs])).toEqual([
      ['control-channel-loss', 1, 0],
    ]);
    expect(report.coverageShortfalls![0].explanation).toMatch(
      /control-channel-loss .* exercised by 0 runs, fewer than the 1 required/,
    );
  });

  it.each([
    [{ 'no-such-class': 3 }, /checkLayer: requireCoverage: "no-such-class" is not a coverage class \(request-lost/],
    [{ 'qp-flushed': -1 }, /checkLayer: requireCoverage.qp-flushed must be a non-negative integer/],
    [[1], /checkLayer: requireCoverage must be an object/],
  ])('rejects %j with a one-line error', async (bad, message) => {
    await expect(checkLayer(layers.failStop, { requireCoverage: bad as never })).rejects.toThrow(message);
  });
});

describe('rdmacheck audit --require-coverage', () => {
  const args = ['audit', 'fail-stop', '--opcodes', 'WRITE', '--properties', 'at-most-once', '--runs', '20'];

  it('prints the coverage table after the matrix', async () => {
    const run = await cli(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/coverage: runs that exercised each failure situation[^\n]*\ncoverage class\s+WRITE\n/);
  });

  it('exits 1 and names the class exercised too rarely', async () => {
    const run = await cli([...args, '--require-coverage', 'control-channel-loss=2']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/coverage too low: coverage class control-channel-loss .* fewer than the 2 required/);
    expect(run.stdout).toMatch(/every property holds; 1 coverage class below the requirement/);
  });

  it('--format json carries report.coverage', async () => {
    const run = await cli([...args, '--format', 'json']);
    const json = JSON.parse(run.stdout) as { coverage: Record<string, Record<string, number>> };
    expect(Object.keys(json.coverage.WRITE)).toEqual(COVERAGE_CLASS_NAMES);
  });

  it.each(['nonsense', 'qp-flushed', 'made-up=3'])('rejects --require-coverage %s in one line', async (bad) => {
    const run = await cli([...args, '--require-coverage', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^rdmacheck audit: --require-coverage/);
  });
});
