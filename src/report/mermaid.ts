/**
 * The Mermaid rendering of a counterexample: a `sequenceDiagram` that renders when pasted into a
 * GitHub issue inside a ```mermaid fence. Witness events sit in highlighted `rect` blocks; faults
 * and lost packets are notes across the lanes. Deterministic.
 */
import type { CounterexampleData } from '../core/results';
import { lanesOf, placeEvent } from './lanes';

/** Options of renderMermaid. */
export interface MermaidOptions {
  /** Wrap the diagram in a ```mermaid fence, ready to paste into Markdown (default false). */
  fenced?: boolean;
}

/** A counterexample as a Mermaid sequence diagram. */
export function renderMermaid(data: CounterexampleData, options: MermaidOptions = {}): string {
  const witness = new Set(data.events);
  const lanes = lanesOf(data.scenario, data.trace);
  const first = lanes[0].id;
  const last = lanes[lanes.length - 1].id;
  const lines: string[] = ['sequenceDiagram'];
  lines.push(
    `  %% rdmacheck: ${oneLine(data.property)} violated by ${oneLine(data.layer)} (${data.path === '' ? 'a given scenario' : `seed ${data.seed}, path ${oneLine(data.path)}`})`,
  );
  for (const lane of lanes) lines.push(`  participant ${lane.id} as ${escapeText(lane.title)}`);
  for (const e of data.trace) {
    const placement = placeEvent(e, data.scenario);
    const isWitness = witness.has(e.i);
    const marker = isWitness
      ? '★ '
      : placement.alert === 'fault'
        ? '⚡ '
        : placement.alert === 'lost'
          ? '✕ '
          : placement.alert
            ? '⚠ '
            : '';
    const text = escapeText(`${marker}[${e.i}] ${placement.label}`);
    let line: string;
    if (placement.shape === 'band') line = `Note over ${first},${last}: ${text}`;
    else if (placement.shape === 'note') line = `Note over ${placement.from}: ${text}`;
    else {
      // Responses (towards the application side) are dashed, requests solid.
      const dashed = e.kind === 'Completion' || e.kind === 'Deliver' || e.kind === 'Ack' || e.kind === 'PortEvent';
      line = `${placement.from}${dashed ? '-->>' : '->>'}${placement.to}: ${text}`;
    }
    if (isWitness) lines.push('  rect rgb(255, 236, 179)', `    ${line}`, '  end');
    else if (placement.alert === 'fault') lines.push('  rect rgb(255, 214, 214)', `    ${line}`, '  end');
    else lines.push(`  ${line}`);
  }
  const diagram = `${lines.join('\n')}\n`;
  return options.fenced ? `\`\`\`mermaid\n${diagram}\`\`\`\n` : diagram;
}

/**
 * Makes text safe inside a Mermaid message or note. Why entity codes: Mermaid ends a statement at
 * ';' and a line break, reads '#...;' as an entity and '<...>' as HTML, so those are written as
 * Mermaid's own '#name;' entities.
 */
export function escapeText(text: string): string {
  const entities: Record<string, string> = { '#': '#35;', ';': '#59;', '<': '#lt;', '>': '#gt;', '%': '#37;' };
  // One pass, so the ';' of an entity just written is not escaped again.
  return oneLine(text).replace(/[#;<>%]/g, (c) => entities[c]);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
