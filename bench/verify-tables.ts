/**
 * npm run verify:tables: the tables of docs/verify.md. (1) Every reference layer verified at
 * max-ops 1, max-faults 1 on every op class, each violated cell beside the audit's shrunk
 * counterexample (posts and faults of each: verify's must be no larger). (2) completion-log at
 * max-ops 2, max-faults 1 (time and scenarios/s), and how far max-faults 2 gets in the time given
 * on WRITE (RDMACHECK_VERIFY_BEYOND_S, default 180 s). Prints markdown.
 */
import { checkLayer } from '../src/check';
import { verifyLayer, verifySummary } from '../src/check/verify/verifyLayer';
import type { Counterexample } from '../src/core/results';
import { layers } from '../src/layers';
import { properties } from '../properties';
import type { Opcode } from '../src/core/verbs';

/** Application posts and faults of a counterexample: its size. */
function size(cx: Counterexample | undefined): string {
  if (cx === undefined) return '-';
  const posts = cx.scenario.workload.filter((w) => w.kind === 'post').length;
  return `${posts}p/${cx.scenario.faults.length}f`;
}

async function main(): Promise<void> {
  console.log('| layer | property | op class | verify 1/1 | audit (shrunk) | no larger |');
  console.log('|---|---|---|---|---|---|');
  for (const layer of Object.values(layers)) {
    const verified = await verifyLayer(layer, { maxOps: 1, maxFaults: 1, timeLimitMs: 600_000 });
    const audit = await checkLayer(layer, { numRuns: 200 });
    const cells = new Set<string>();
    for (const r of [...verified.results, ...audit.results])
      if (r.opcode !== undefined && r.opcode !== 'mixed' && r.status === 'violated')
        cells.add(`${r.property}|${r.opcode}`);
    if (cells.size === 0)
      console.log(`| ${layer.name} | (every property holds) | all | ${verified.scenarios} scenarios | - | - |`);
    for (const cell of [...cells].sort()) {
      const [property, opcode] = cell.split('|');
      const v = verified.results.find((r) => r.property === property && r.opcode === opcode);
      const a = audit.results.find((r) => r.property === property && r.opcode === opcode);
      let vs = v?.status === 'violated' ? size(v.counterexample) : `${v?.status}`;
      let found = v?.status === 'violated' ? v.counterexample : undefined;
      if (found === undefined && a?.status === 'violated') {
        // Beyond 1/1: walk that op class up to the audit counterexample's own size.
        const cx = a.counterexample!;
        const deeper = await verifyLayer(layer, {
          maxOps: cx.scenario.workload.filter((w) => w.kind === 'post').length,
          maxFaults: cx.scenario.faults.length,
          opcodes: [opcode as Opcode],
          properties: properties.all.filter((p) => p.name === property),
          timeLimitMs: 300_000,
        });
        const d = deeper.results.find((r) => r.opcode === opcode)!;
        found = d.counterexample;
        vs =
          d.status === 'violated' ? `${size(found)} (at ${deeper.bounds.maxOps}/${deeper.bounds.maxFaults})` : d.status;
      }
      const as = a?.status === 'violated' ? size(a.counterexample) : `${a?.status}`;
      const ok =
        found !== undefined && a?.status === 'violated'
          ? noLarger(found, a.counterexample!)
            ? 'yes'
            : 'NO'
          : found !== undefined
            ? 'verify only'
            : 'audit only';
      console.log(`| ${layer.name} | ${property} | ${opcode} | ${vs} | ${as} | ${ok} |`);
    }
  }
  console.log('');
  const two = await verifyLayer(layers.completionLog, { maxOps: 2, maxFaults: 1, timeLimitMs: 3_600_000 });
  console.log(`completion-log, max-ops 2, max-faults 1: ${verifySummary(two)}; ${(two.elapsedMs / 1000).toFixed(0)} s`);
  const beyondS = Number(process.env.RDMACHECK_VERIFY_BEYOND_S ?? 180);
  const beyond = await verifyLayer(layers.completionLog, {
    maxOps: 2,
    maxFaults: 2,
    opcodes: ['WRITE'],
    timeLimitMs: beyondS * 1000,
  });
  console.log(`completion-log, WRITE, max-ops 2, max-faults 2, ${beyondS} s: ${verifySummary(beyond)}`);
  for (const r of beyond.results.filter((x) => x.opcode !== undefined && x.property === 'at-most-once'))
    console.log(`  ${r.opcode}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
}

/** Verify's counterexample has no more posts and no more faults than the audit's. */
function noLarger(v: Counterexample, a: Counterexample): boolean {
  const posts = (cx: Counterexample) => cx.scenario.workload.filter((w) => w.kind === 'post').length;
  return posts(v) <= posts(a) && v.scenario.faults.length <= a.scenario.faults.length;
}

void main();
