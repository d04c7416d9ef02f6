/**
 * The documented-audit comparison (src/cli/documented.ts) as `rdmacheck audit` prints it: a cell
 * found violated that the doc says holds always differs; a documented violation that was not
 * found differs only for a search that covered the default audit's (seed 1, at least 200 runs),
 * since another seed or a shorter search may miss a defect the default audit reaches.
 */
import { compareWithDocumented } from '../../src/cli/documented';
import type { PropertyResult, Report } from '../../src/core/results';

/** A fail-stop report of two cells: failure-masking [WRITE] (documented violated) and no-queue-sliding [WRITE] (documented holds). */
function report(
  seed: number,
  runs: number,
  failureMasking: PropertyResult['status'],
  queueSliding: PropertyResult['status'],
): Report {
  return {
    layer: 'fail-stop',
    adapter: 'sim',
    seed,
    ok: false,
    results: [
      { property: 'failure-masking', opcode: 'WRITE', status: failureMasking, runs },
      { property: 'no-queue-sliding', opcode: 'WRITE', status: queueSliding, runs },
    ],
  };
}

describe('documented audit comparison', () => {
  it('matches when every cell is as documented', () => {
    expect(compareWithDocumented('fail-stop', report(1, 200, 'violated', 'holds'))).toBe(
      'documented audit of fail-stop: matches (every checked cell is as its doc promises)',
    );
  });

  it('a documented violation the default search did not find differs (a regression)', () => {
    expect(compareWithDocumented('fail-stop', report(1, 200, 'holds', 'holds'))).toBe(
      'documented audit of fail-stop: DIFFERS in 1 cell:\n  failure-masking [WRITE]: documented violated, found holds',
    );
    expect(compareWithDocumented('fail-stop', report(1, 1000, 'holds', 'holds'))).toMatch(/DIFFERS in 1 cell/);
  });

  it.each([
    ['another seed', 2, 200],
    ['fewer runs', 1, 50],
  ])('with %s, a documented violation not found is listed as not reached, not as a difference', (_, seed, runs) => {
    const text = compareWithDocumented('fail-stop', report(seed, runs, 'holds', 'holds'))!;
    expect(text).toMatch(/^documented audit of fail-stop: matches/);
    expect(text).toContain(
      `\n  documented violated, not reached by this search (seed ${seed}; the default audit, seed 1 with 200 runs, reaches each): failure-masking [WRITE]`,
    );
  });

  it("a property's row over every op class (checkLayer's) counts its columns' runs, not their sum", () => {
    const columns = report(1, 50, 'holds', 'holds');
    const overall: PropertyResult[] = [
      { property: 'failure-masking', status: 'holds', runs: 250 },
      { property: 'no-queue-sliding', status: 'holds', runs: 250 },
    ];
    const text = compareWithDocumented('fail-stop', { ...columns, results: [...overall, ...columns.results] })!;
    expect(text).toMatch(/^documented audit of fail-stop: matches/);
    expect(text).toContain('reaches each): failure-masking [all], failure-masking [WRITE]');
    const searched = report(1, 200, 'holds', 'holds');
    const full = compareWithDocumented('fail-stop', {
      ...searched,
      results: [{ ...overall[0], runs: 1000 }, overall[1], ...searched.results],
    });
    expect(full).toMatch(/DIFFERS in 2 cells/);
  });

  it('a violation the doc says holds differs at any seed', () => {
    expect(compareWithDocumented('fail-stop', report(7, 30, 'violated', 'violated'))).toBe(
      'documented audit of fail-stop: DIFFERS in 1 cell:\n  no-queue-sliding [WRITE]: documented holds, found violated',
    );
  });
});
