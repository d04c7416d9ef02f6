/** bench/targets.ts: issue 13's targets are judged from a bench result, and each can come out not met. */
import type { Hunt } from '../../bench/hunt';
import type { HuntSummary } from '../../bench/summary';
import { summarize } from '../../bench/summary';
import { judge, medianTotalMs, runsRatio } from '../../bench/targets';
import type { BenchResult } from '../../bench/targets';

/** Hunts that found the bug after `runs` runs each, `msTo` + `msAfter` ms, 1-minimal or not. */
const hunts = (runs: number[], msTo: number, msAfter: number, oneMinimal = true): Hunt[] =>
  runs.map((r, k) => ({
    seed: k + 1,
    found: true,
    runsToFailure: r,
    msToFailure: msTo,
    msAfterFailure: msAfter,
    size: 2,
    oneMinimal,
  }));
const notFound = (n: number): Hunt[] => Array.from({ length: n }, (_, k) => ({ seed: k + 1, found: false }));

const bug = (depth: string, mine: Hunt[], theirs: Hunt[]) => ({
  bug: `${depth} bug`,
  depth,
  rdmacheck: summarize(mine) as HuntSummary,
  baseline: summarize(theirs) as HuntSummary,
  raw: { rdmacheck: mine, baseline: theirs },
});

const target = (result: BenchResult, words: string) => judge(result).find((j) => j.target.includes(words))!;

describe('issue 13 targets judged from a bench result', () => {
  it('throughput is met at 20,000 checked scenarios per CPU second for completion-log, not below', () => {
    const at = (rate: number): BenchResult => ({
      throughput: { checker: [{ layer: 'completionLog', scenariosPerCpuSecond: rate }] },
    });
    expect(target(at(20_000), 'completion-log').met).toBe(true);
    expect(target(at(2_000), 'completion-log')).toMatchObject({
      met: false,
      figures: expect.stringContaining('10.0x short'),
    });
  });

  it('a shallow bug slower from start to minimal report than the baseline is named', () => {
    const fast = bug('shallow', hunts([2, 2, 2], 1, 1), hunts([9, 9, 9], 1, 2));
    const slow = bug('shallow', hunts([2, 2, 2], 1, 4), hunts([9, 9, 9], 1, 2));
    expect(target({ hunts: [fast] }, 'no slower').met).toBe(true);
    expect(target({ hunts: [fast, slow] }, 'no slower')).toMatchObject({
      met: false,
      figures: expect.stringContaining('slower: shallow bug'),
    });
  });

  it('"no slower" compares the median of per-seed totals, not the sum of the two medians', () => {
    // Per seed: 1 + 1, 1 + 20, 20 + 1 ms. Medians 1 and 1 would sum to 2 ms; the seeds' median total is 21.
    const split: [number, number][] = [
      [1, 1],
      [1, 20],
      [20, 1],
    ];
    const mine = split.map(([to, after], k) => ({ ...hunts([2], to, after)[0], seed: k + 1 }));
    const judged = target({ hunts: [bug('shallow', mine, hunts([9, 9, 9], 5, 5))] }, 'no slower');
    expect(medianTotalMs(mine)).toBe(21);
    expect(judged).toMatchObject({ met: false, figures: expect.stringContaining('0.48-0.48x') });
  });

  it('a shallow bug whose shrunk result is not always 1-minimal fails the 100% target', () => {
    expect(target({ hunts: [bug('shallow', hunts([2], 1, 1), hunts([9], 1, 1))] }, '1-minimal').met).toBe(true);
    expect(target({ hunts: [bug('shallow', hunts([2], 1, 1, false), hunts([9], 1, 1))] }, '1-minimal').met).toBe(false);
  });

  it('a deep bug counts at 10x fewer runs, or when the baseline never finds it; 9x is short', () => {
    const tenfold = bug('deep', hunts([10, 10, 10], 1, 1), hunts([100, 100, 100], 1, 1));
    const alone = bug('deep', hunts([50], 1, 1), notFound(1));
    const ninefold = bug('deep', hunts([10], 1, 1), hunts([90], 1, 1));
    expect(runsRatio(alone)).toBe(Infinity);
    expect(target({ hunts: [tenfold, alone] }, '10x fewer')).toMatchObject({ met: true, figures: '2 of 2' });
    expect(target({ hunts: [tenfold, alone, ninefold] }, '10x fewer')).toMatchObject({
      met: false,
      figures: expect.stringContaining('2 of 3; short: deep bug 9.0x'),
    });
  });

  it('a deep bug found within 200 runs on at most half the seeds fails "most seeds"', () => {
    const late = bug('deep', hunts([150, 250, 300, 400], 1, 1), hunts([1000], 1, 1));
    const early = bug('deep', hunts([150, 150, 300, 400], 1, 1), hunts([1000], 1, 1));
    expect(target({ hunts: [late] }, 'default audit').met).toBe(false);
    expect(target({ hunts: [early] }, 'default audit').met).toBe(false);
    expect(
      target({ hunts: [bug('deep', hunts([150, 150, 150, 400], 1, 1), hunts([1000], 1, 1))] }, 'default audit').met,
    ).toBe(true);
  });

  it('a heap that grows by a quarter or more is not flat', () => {
    expect(target({ memory: { scenarios: 1e6, heapMBMin: 33, heapMBMax: 34 } }, 'heap').met).toBe(true);
    expect(target({ memory: { scenarios: 1e6, heapMBMin: 33, heapMBMax: 60 } }, 'heap').met).toBe(false);
  });
});
