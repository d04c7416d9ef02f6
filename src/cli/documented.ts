/** Comparing an audit with the result a reference layer documents (src/layers `expected`). */
import type { FaultKind, NicProfile } from '../core/scenario';
import type { FailoverLayer } from '../core/layer';
import type { Report } from '../core/results';
import { CHECK_DEFAULTS } from '../check/options';
import { findReferenceLayer } from '../check/replay';
import { describeModelLimits } from '../layers/types';

/** The documented-audit shape of a reference layer (src/layers/types.ts), read structurally. */
interface Documented {
  expected?: {
    summary?: string;
    violations: readonly { property: string; opcodes: readonly string[]; why?: string }[];
    /** Defects generated scenarios reach rarely or never: an audit may find them or not. */
    unreached?: readonly { property: string; opcodes: readonly string[]; why?: string }[];
  };
}

/** True when the layer documents `property` on `opcode` as a rarely reached defect (not compared). */
function documentedRare(layer: FailoverLayer, property: string, opcode: string): boolean {
  const rare = (layer as FailoverLayer & Documented).expected?.unreached ?? [];
  return rare.some((v) => v.property === property && v.opcodes.includes(opcode));
}

/** True when the layer documents `property` as violated (or rarely reached) for some op class. */
export function documentedAnywhere(layer: FailoverLayer, property: string): boolean {
  const expected = (layer as FailoverLayer & Documented).expected;
  return [...(expected?.violations ?? []), ...(expected?.unreached ?? [])].some((v) => v.property === property);
}

/** True when the layer documents that `property` is violated on `opcode`. */
export function documentedViolation(layer: FailoverLayer, property: string, opcode: string): boolean | undefined {
  const expected = (layer as FailoverLayer & Documented).expected;
  if (expected === undefined) return undefined;
  return expected.violations.some((v) => v.property === property && (opcode === 'all' || v.opcodes.includes(opcode)));
}

/**
 * True when a cell that holds searched at least what the default audit searches: the default seed
 * (fast-check draws the same first runs whatever numRuns is) and at least the default runs. Only
 * then is a documented violation it did not find a contradiction; another seed, or fewer runs,
 * may simply not reach a defect the default audit finds.
 */
function searchedTheDefault(report: Report, runs: number): boolean {
  return report.seed === CHECK_DEFAULTS.seed && runs >= CHECK_DEFAULTS.numRuns;
}

/**
 * The runs each column of `r` searched: its own, or for a property's row over every op class (a
 * checkLayer report's, whose runs add up its columns) the fewest of its columns'.
 */
function columnRuns(report: Report, r: Report['results'][number]): number {
  if (r.opcode !== undefined) return r.runs;
  const columns = report.results.filter((c) => c.property === r.property && c.opcode !== undefined);
  return columns.length === 0 ? r.runs : Math.min(...columns.map((c) => c.runs));
}

/**
 * One paragraph: whether the audit matches the layer's documented result, cell by cell. A cell
 * found violated that the doc says holds always differs; a documented violation not found differs
 * only when the cell searched what the default audit searches (searchedTheDefault), and is listed
 * apart otherwise. Unknown cells are listed apart (a limit is not a contradiction). Undefined
 * when nothing is documented.
 */
export function compareWithDocumented(name: string, report: Report): string | undefined {
  const layer = findReferenceLayer(name);
  if (layer === undefined || (layer as FailoverLayer & Documented).expected === undefined) return undefined;
  const mismatches: string[] = [];
  const unknown: string[] = [];
  const rare: string[] = [];
  const notReached: string[] = [];
  for (const r of report.results) {
    const cell = `${r.property} [${r.opcode ?? 'all'}]`;
    if (r.opcode === 'mixed') {
      // A mixed column reaches each op class's defects less often: only a violation no op class
      // documents (a defect that needs two op classes) contradicts the documentation.
      if (r.status === 'violated' && !documentedAnywhere(layer, r.property))
        mismatches.push(`  ${cell}: documented holds for every op class, found violated`);
      continue;
    }
    const expectViolation = documentedViolation(layer, r.property, r.opcode ?? 'all') === true;
    if (r.opcode !== undefined && documentedRare(layer, r.property, r.opcode)) rare.push(`${cell} ${r.status}`);
    else if (r.status === 'unknown') unknown.push(cell);
    else if (r.status === 'violated' && !expectViolation)
      mismatches.push(`  ${cell}: documented holds, found violated`);
    else if (r.status !== 'violated' && expectViolation) {
      if (searchedTheDefault(report, columnRuns(report, r)))
        mismatches.push(`  ${cell}: documented violated, found ${r.status}`);
      else notReached.push(cell);
    }
  }
  const head =
    mismatches.length === 0
      ? `documented audit of ${layer.name}: matches (every checked cell is as its doc promises)`
      : `documented audit of ${layer.name}: DIFFERS in ${mismatches.length} cell${mismatches.length === 1 ? '' : 's'}:\n${mismatches.join('\n')}`;
  const withRare =
    rare.length === 0
      ? head
      : `${head}\n  documented as rarely reached by generated scenarios (not compared): ${rare.join(', ')}`;
  const withNotReached =
    notReached.length === 0
      ? withRare
      : `${withRare}\n  documented violated, not reached by this search (seed ${report.seed}; the default audit, seed ${CHECK_DEFAULTS.seed} with ${CHECK_DEFAULTS.numRuns} runs, reaches each): ${notReached.join(', ')}`;
  return unknown.length === 0 ? withNotReached : `${withNotReached}\n  unknown (not compared): ${unknown.join(', ')}`;
}

/** For a model of shipping code, what it follows and leaves out (undefined for other layers). */
export function modelLimitsOf(name: string): string | undefined {
  const layer = findReferenceLayer(name);
  return layer === undefined ? undefined : describeModelLimits(layer);
}

/** What a restricted audit drew, for the line that says why it is not compared with the documented one. */
function drawnSummary(drawn: { faultKinds?: readonly FaultKind[]; badAddresses?: boolean }): string {
  const kinds =
    drawn.faultKinds === undefined
      ? 'every fault kind'
      : drawn.faultKinds.length === 0
        ? 'no faults'
        : `only ${drawn.faultKinds.join(', ')}`;
  return drawn.badAddresses === false ? `${kinds} and no out-of-range address` : kinds;
}

/**
 * Why an audit is not compared with the documented one (one line), or undefined when it is: the
 * documented audits ran under the default NIC, drawing every fault kind and out-of-range
 * addresses, at the layer's own settings and the default liveness; other options draw other
 * scenarios from the same seed, so the default audit's cells are not what ran.
 */
export function whyNotCompared(
  nic: NicProfile,
  drawn: { faultKinds?: readonly FaultKind[]; badAddresses?: boolean },
  settingsGiven: readonly string[],
): string | undefined {
  if (nic !== CHECK_DEFAULTS.nic)
    return `(the documented audits are for nic ${CHECK_DEFAULTS.nic}; this one ran under nic ${nic}: not compared)`;
  if (drawn.faultKinds !== undefined || drawn.badAddresses === false)
    return `(the documented audits draw every fault kind and out-of-range addresses; this one drew ${drawnSummary(drawn)}: not compared)`;
  if (settingsGiven.length > 0)
    return `(the documented audits run at the layer's own settings and the default liveness; this one ran with ${settingsGiven.join(' and ')}: not compared)`;
  return undefined;
}
