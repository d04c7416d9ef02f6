import { escapeText, renderMermaid } from '../../src/report/mermaid';
import { sampleCounterexample } from './sample';

describe('Mermaid rendering', () => {
  const cx = sampleCounterexample();
  const diagram = renderMermaid(cx);

  test('is a sequenceDiagram with one participant per lane', () => {
    const lines = diagram.split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    const participants = lines.filter((l) => l.trim().startsWith('participant ')).map((l) => l.trim());
    expect(participants).toEqual([
      'participant appA as app A',
      'participant layerA as layer A',
      'participant path0 as path 0',
      'participant path1 as path 1',
      'participant wire as wire',
      'participant nicB as NIC B',
      'participant layerB as layer B',
      'participant appB as app B',
    ]);
  });

  test('every event appears once, tagged with its trace index', () => {
    for (const e of cx.trace) expect(diagram.match(new RegExp(`: (\\S+ )?\\[${e.i}\\] `, 'g'))).toHaveLength(1);
  });

  test('witness events sit in highlighted rect blocks', () => {
    const lines = diagram.split('\n');
    for (const i of cx.events) {
      const k = lines.findIndex((l) => l.includes(`★ [${i}] `));
      expect(lines[k - 1].trim()).toMatch(/^rect rgb\(/);
      expect(lines[k + 1].trim()).toBe('end');
      expect(lines[k]).toContain('★');
    }
  });

  test('faults span every lane; lost packets are notes on the wire', () => {
    expect(diagram).toMatch(/Note over appA,appB: ⚡ \[5\] FAULT/);
    expect(diagram).toMatch(/Note over wire: ✕ \[6\] response to wr1/);
  });

  test('rect blocks are balanced (an unbalanced `end` breaks the whole diagram)', () => {
    const opens = diagram.split('\n').filter((l) => l.trim().startsWith('rect ')).length;
    const ends = diagram.split('\n').filter((l) => l.trim() === 'end').length;
    expect(opens).toBe(ends);
  });

  test('text from the trace cannot break out of a statement', () => {
    expect(escapeText('a;b#c<d>e%%f\ng')).toBe('a#59;b#35;c#lt;d#gt;e#37;#37;f g');
    const evil = sampleCounterexample();
    evil.trace[6] = {
      ...evil.trace[6],
      kind: 'AckLost',
      reason: 'x;\nparticipant evil<script>',
    } as (typeof evil.trace)[6];
    const out = renderMermaid(evil);
    expect(out).not.toContain('<script>');
    expect(out.split('\n').filter((l) => l.trim().startsWith('participant evil'))).toEqual([]);
  });

  test('fenced output is ready to paste into a GitHub issue', () => {
    const fenced = renderMermaid(cx, { fenced: true });
    expect(fenced.startsWith('```mermaid\nsequenceDiagram\n')).toBe(true);
    expect(fenced.endsWith('\n```\n')).toBe(true);
  });

  test('rendering is deterministic', () => {
    expect(renderMermaid(sampleCounterexample())).toBe(diagram);
  });
});
