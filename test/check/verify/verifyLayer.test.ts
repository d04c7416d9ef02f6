/**
 * verifyLayer and `rdmacheck verify`: completion-log holds on every op class within 1 post and 1
 * fault (the CI bound); broken layers get their documented violation, smallest first; a time
 * limit answers unknown, never a silent pass.
 */
import { properties } from '../../../properties';
import { verifyLayer, verifySummary } from '../../../src/check/verify/verifyLayer';
import { spaceSize } from '../../../src/check/verify/space';
import { OPCODES } from '../../../src/core/verbs';
import { layers } from '../../../src/layers';
import { cli } from '../../cli/io';

describe('verifyLayer', () => {
  it('completion-log: every property holds on every op class within 1 post and 1 fault', async () => {
    const r = await verifyLayer(layers.completionLog, { maxOps: 1, maxFaults: 1, timeLimitMs: 300_000 });
    expect(
      r.results.filter((x) => x.status !== 'holds').map((x) => `${x.property} [${x.opcode}]: ${x.reason}`),
    ).toEqual([]);
    expect(r.complete).toBe(true);
    const space = OPCODES.reduce((n, op) => n + spaceSize({ maxOps: 1, maxFaults: 1, opcodes: [op] }), 0);
    expect(r.scenarios).toBe(space);
    expect(r.space).toBe(space);
    expect(verifySummary(r)).toMatch(new RegExp(`^${space} scenarios, every property holds within 1 post and 1 fault`));
  }, 300_000);

  it("shift + WRITE: the paper's T1 (at-most-once) at 1 post and 1 fault, the first violation met", async () => {
    const r = await verifyLayer(layers.shift, { opcodes: ['WRITE'], properties: [properties.atMostOnce] });
    const cell = r.results.find((x) => x.opcode === 'WRITE')!;
    expect(cell.status).toBe('violated');
    const cx = cell.counterexample!;
    expect(cx.scenario.workload.filter((w) => w.kind === 'post')).toHaveLength(1);
    expect(cx.scenario.faults).toHaveLength(1);
    // Smallest first: no scenario before it (fault-free ones included) violates the property.
    expect(cx.path).toBe(`verify:${cell.runs - 1}`);
    expect(r.ok).toBe(false);
  });

  it('the bounded Theorem 1: within 1 post and 1 fault, every transparent reference layer breaks safety or liveness', async () => {
    const transparent = Object.values(layers).filter((l) => l.transparent === true);
    expect(transparent.map((l) => l.name).sort()).toEqual([
      'fail-stop',
      'pass-through',
      'read-verify',
      'resend-all',
      'timer-hedge',
    ]);
    for (const layer of transparent) {
      const r = await verifyLayer(layer, { maxOps: 1, maxFaults: 1, timeLimitMs: 300_000 });
      const broken = r.results.filter((x) => x.opcode === undefined && x.status === 'violated').map((x) => x.property);
      expect({ layer: layer.name, broken: broken.length > 0 }).toEqual({ layer: layer.name, broken: true });
    }
  }, 300_000);

  it('a time limit too short ends with unknown, saying how far it got', async () => {
    const r = await verifyLayer(layers.completionLog, {
      maxOps: 2,
      maxFaults: 1,
      opcodes: ['WRITE'],
      timeLimitMs: 300,
    });
    expect(r.complete).toBe(false);
    const cell = r.results.find((x) => x.opcode === 'WRITE' && x.property === 'at-most-once')!;
    expect(cell.status).toBe('unknown');
    expect(cell.reason).toMatch(/time limit of 300 ms reached after \d+ of 29592 scenarios/);
    expect(verifySummary(r)).toMatch(/^unknown: the time limit ended the walk/);
  });

  it.each([
    [{ maxOps: 0 }, /verifyLayer: maxOps must be an integer >= 1 \(got 0\)/],
    [{ maxFaults: -1 }, /verifyLayer: maxFaults must be an integer >= 0/],
    [{ opcodes: ['NOPE'] }, /verifyLayer: opcodes must be a non-empty list of op classes/],
  ])('rejects %j in one line', async (bad, message) => {
    await expect(verifyLayer(layers.failStop, bad as never)).rejects.toThrow(message);
  });
});

describe('rdmacheck verify', () => {
  it('prints the matrix and "N scenarios, every property holds within these bounds"; exit 0', async () => {
    const run = await cli(['verify', 'completion-log', '--opcodes', 'READ', '--max-ops', '1', '--max-faults', '1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^property\s+READ$/m);
    expect(run.stdout).toMatch(
      /\n\d+ scenarios, every property holds within 1 post and 1 fault \(\d+ of \d+ scenarios, \d+ scenarios\/s\)/,
    );
  });

  it('prints the smallest counterexample and exits 1 for a broken layer', async () => {
    const run = await cli(['verify', 'resend-all', '--opcodes', 'FETCH_ADD', '--format', 'json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as { results: { property: string; opcode: string | null; status: string }[] };
    expect(json.results).toContainEqual(
      expect.objectContaining({ property: 'at-most-once', opcode: 'FETCH_ADD', status: 'violated' }),
    );
  });

  it('rejects a bad bound in one line', async () => {
    const run = await cli(['verify', 'shift', '--max-ops', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rdmacheck verify: --max-ops must be an integer >= 1, got "0"\n');
  });
});
