/**
 * The text rendering of a counterexample: a header (property, layer, explanation, how to replay)
 * and a sequence chart with one lane per actor, faults marked, witness events highlighted.
 * Plain characters only (no colour codes), so it reads the same in a terminal, a CI log and a
 * jest failure message.
 */
import { seedLine } from './seed-line';
import type { Trace } from '../core/trace';
import type { CounterexampleData } from '../core/results';
import { lanesOf, placeEvent } from './lanes';
import type { Lane, Placement } from './lanes';
import { replayCommand } from './replay-command';

/** Options of renderText. */
export interface TextOptions {
  /** The counterexample's file, for the replay command. */
  file?: string;
  /** The layer's module path, when it is not a reference layer (adds --layer to the replay command). */
  layerModule?: string;
  /** Show at most this many events around the witness (default: all). */
  maxEvents?: number;
}

/** Width of one lane column in characters. */
const LANE_WIDTH = 9;

/** A counterexample as a readable text report with a lane chart. Deterministic. */
export function renderText(data: CounterexampleData, options: TextOptions = {}): string {
  const witness = new Set(data.events);
  const lanes = lanesOf(data.scenario, data.trace);
  const lines: string[] = [];
  lines.push(
    `rdmacheck: ${data.property} violated by layer ${data.layer} (adapter ${data.adapter}${data.opcode ? `, op class ${data.opcode}` : ''})`,
  );
  lines.push('');
  for (const line of wrap(data.explanation, 96)) lines.push(`  ${line}`);
  lines.push('');
  lines.push(
    `  ${seedLine(data.seed, data.path)}; witness events: ${data.events.length > 0 ? data.events.join(', ') : '(none)'}`,
  );
  lines.push(`  replay: ${replayCommand(options.file, options.layerModule)}`);
  lines.push('');
  lines.push(...chartLines(data.trace, data.scenario, lanes, witness, options.maxEvents));
  lines.push('');
  lines.push('  legend: >> witness event   * arrow tail   > < arrow head   # note   X lost   ! error   ~ fault');
  return `${lines.join('\n')}\n`;
}

/** The lane chart alone (no header), for a run no property faulted: `rdmacheck run` on a passing scenario. */
export function renderChart(data: Pick<CounterexampleData, 'trace' | 'scenario' | 'events'>): string {
  const lines = chartLines(
    data.trace,
    data.scenario,
    lanesOf(data.scenario, data.trace),
    new Set(data.events),
    undefined,
  );
  return `${lines.join('\n')}\n`;
}

/** The chart rows: a header of lane titles, then one row per event. */
function chartLines(
  trace: Trace,
  scenario: CounterexampleData['scenario'],
  lanes: Lane[],
  witness: Set<number>,
  maxEvents: number | undefined,
): string[] {
  const column = new Map(lanes.map((lane, k) => [lane.id, k]));
  const width = lanes.length * LANE_WIDTH;
  const prefixWidth = 2 + 5 + 11 + 2;
  const header = ' '.repeat(prefixWidth) + lanes.map((l) => center(l.title, LANE_WIDTH)).join('');
  const rows = [`${pad('', 2)}${pad('#', 5, true)}${pad('t (us)', 11, true)}  ${header.slice(prefixWidth)}`];
  const shown = selectEvents(trace, witness, maxEvents);
  let previous = -1;
  for (const k of shown) {
    if (k !== previous + 1)
      rows.push(
        `${' '.repeat(prefixWidth)}${lanes.map(() => center(':', LANE_WIDTH)).join('')}  (${k - previous - 1} events omitted)`,
      );
    previous = k;
    const e = trace[k];
    const placement = placeEvent(e, scenario);
    const mark = witness.has(e.i) ? '>>' : '  ';
    const time = (e.t / 1000).toFixed(3);
    const drawing = drawRow(placement, column, lanes.length, width);
    const suffix = witness.has(e.i) ? '   <== witness' : '';
    rows.push(
      // At least one space before the time, even past 9,999 seconds of virtual time.
      `${mark}${pad(String(e.i), 5, true)} ${pad(time, 10, true)}  ${drawing}  ${alertTag(placement)}${placement.label}${suffix}`,
    );
  }
  if (shown.length > 0 && shown[shown.length - 1] !== trace.length - 1) {
    rows.push(
      `${' '.repeat(prefixWidth)}${lanes.map(() => center(':', LANE_WIDTH)).join('')}  (${trace.length - 1 - shown[shown.length - 1]} events omitted)`,
    );
  }
  return rows;
}

/** The event indices to print: all, or (when limited) those nearest to the witness events. */
function selectEvents(trace: Trace, witness: Set<number>, maxEvents: number | undefined): number[] {
  const all = trace.map((_, k) => k);
  if (maxEvents === undefined || trace.length <= maxEvents) return all;
  const distance = (k: number) => {
    let best = Number.POSITIVE_INFINITY;
    for (const w of witness) best = Math.min(best, Math.abs(w - k));
    return best;
  };
  // Keep the closest events to any witness (ties: earlier first), then restore trace order.
  return [...all]
    .sort((a, b) => distance(a) - distance(b) || a - b)
    .slice(0, maxEvents)
    .sort((a, b) => a - b);
}

/** One row of lane drawing: lifelines, the arrow or note, the fault band. */
function drawRow(placement: Placement, column: Map<string, number>, laneCount: number, width: number): string {
  const cells = Array.from({ length: width }, () => ' ');
  const centerOf = (k: number) => k * LANE_WIDTH + Math.floor(LANE_WIDTH / 2);
  for (let k = 0; k < laneCount; k++) cells[centerOf(k)] = '|';
  if (placement.shape === 'band') {
    const fill = placement.alert === 'fault' ? '~' : '-';
    for (let x = 0; x < width; x++) if (cells[x] === ' ') cells[x] = fill;
    return cells.join('');
  }
  const from = centerOf(column.get(placement.from) ?? 0);
  const to = centerOf(column.get(placement.to) ?? 0);
  if (placement.shape === 'note') {
    cells[from] = placement.alert === 'lost' ? 'X' : placement.alert === undefined ? '#' : '!';
    return cells.join('');
  }
  const step = to >= from ? 1 : -1;
  for (let x = from + step; x !== to; x += step) cells[x] = '-';
  cells[from] = '*';
  cells[to] = step > 0 ? '>' : '<';
  return cells.join('');
}

function alertTag(placement: Placement): string {
  switch (placement.alert) {
    case 'fault':
      return '~~ ';
    case 'lost':
      return 'LOST: ';
    case 'error':
      return '!! ';
    case 'misuse':
      return '!! ';
    default:
      return '';
  }
}

function center(text: string, width: number): string {
  const clipped = text.length > width - 1 ? text.slice(0, width - 1) : text;
  const left = Math.floor((width - clipped.length) / 2);
  return ' '.repeat(left) + clipped + ' '.repeat(width - left - clipped.length);
}

function pad(text: string, width: number, right = false): string {
  if (text.length >= width) return text;
  return right ? ' '.repeat(width - text.length) + text : text + ' '.repeat(width - text.length);
}

/** Splits prose into lines of at most `width` characters at spaces. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    out.push(line);
  }
  return out;
}
