/** One trace event as one line of YAML flow, `i`, `t` and `kind` first: how files and diffs show events. */
import { Document } from 'yaml';
import type { TraceEvent } from '../core/trace';

/** The event with its keys in reading order: i, t, kind, then the rest as recorded. */
export function orderedEvent(e: TraceEvent): TraceEvent {
  const { i, t, kind, ...rest } = e as TraceEvent & Record<string, unknown>;
  return { i, t, kind, ...rest } as TraceEvent;
}

/** `{ i: 3, t: 1000, kind: Send, host: A, ... }` */
export function eventLine(e: TraceEvent): string {
  const doc = new Document(JSON.parse(JSON.stringify(orderedEvent(e))));
  (doc.contents as { flow?: boolean }).flow = true;
  return doc.toString({ lineWidth: 0 }).trimEnd();
}
