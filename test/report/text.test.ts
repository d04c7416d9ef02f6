import { renderText } from '../../src/report/text';
import { sampleCounterexample } from './sample';

/** The chart row of event `i` in a text rendering. */
function rowOf(text: string, i: number): string {
  const row = text.split('\n').find((l) => new RegExp(`^(>>|  )\\s*${i}\\s+\\d+\\.\\d{3}  `).test(l));
  if (row === undefined) throw new Error(`no row for event ${i}`);
  return row;
}

/** Column (character offset) of each lane title in the header row. */
function laneColumns(text: string): Map<string, number> {
  const header = text.split('\n').find((l) => l.includes('t (us)')) as string;
  const columns = new Map<string, number>();
  for (const title of ['app A', 'layer A', 'path 0', 'path 1', 'wire', 'NIC B', 'layer B', 'app B']) {
    columns.set(title, header.indexOf(title) + Math.floor((title.length - 1) / 2));
  }
  return columns;
}

describe('text rendering', () => {
  const cx = sampleCounterexample();
  const text = renderText(cx, { file: 'cx.yaml' });

  test('the header holds the property, the layer, the explanation, seed, path and the replay command', () => {
    expect(text).toContain('at-most-once violated by layer resend-all (adapter sim)');
    expect(text.replace(/\s+/g, ' ')).toContain(cx.explanation);
    expect(text).toContain('seed 42, path "0:1"');
    expect(text).toContain('replay: npx rdmacheck replay cx.yaml');
  });

  test('there is one lane per actor, in order: app A, layer A, each path, wire, NIC B, layer B, app B', () => {
    const columns = [...laneColumns(text).values()];
    expect(columns.every((c) => c >= 0)).toBe(true);
    expect([...columns].sort((a, b) => a - b)).toEqual(columns);
  });

  test('an arrow runs from the actor that acts to the one it acts on', () => {
    const lanes = laneColumns(text);
    const post = rowOf(text, 12); // layer A posts on path 1
    expect(post.indexOf('*')).toBeLessThan(post.indexOf('>'));
    expect(Math.abs(post.indexOf('*') - (lanes.get('layer A') as number))).toBeLessThanOrEqual(1);
    expect(Math.abs(post.indexOf('>') - (lanes.get('path 1') as number))).toBeLessThanOrEqual(1);
    const deliver = rowOf(text, 18); // layer A delivers to app A: leftwards
    expect(deliver.indexOf('<')).toBeLessThan(deliver.indexOf('*'));
  });

  test('witness events are highlighted, others are not', () => {
    for (const i of cx.events) expect(rowOf(text, i)).toMatch(/^>>.*<== witness$/);
    expect(rowOf(text, 3)).not.toMatch(/^>>|witness/);
  });

  test('faults are a marked band across every lane; lost packets and errors are marked', () => {
    expect(rowOf(text, 5)).toMatch(/~~~~.*~~ FAULT #0 drop-response begin/);
    expect(rowOf(text, 6)).toMatch(/X.*LOST: response to wr1 psn 0 lost/);
    expect(rowOf(text, 11)).toContain('!! CQE wr1 RETRY_EXC_ERR');
  });

  test('rendering is deterministic', () => {
    expect(renderText(sampleCounterexample(), { file: 'cx.yaml' })).toBe(text);
  });

  test('maxEvents keeps the events nearest the witness and says how many were left out', () => {
    const short = renderText(cx, { maxEvents: 5 });
    expect(short).toMatch(/\(\d+ events omitted\)/);
    for (const i of cx.events) expect(rowOf(short, i)).toMatch(/^>>/);
    expect(() => rowOf(short, 0)).toThrow();
  });
});
