/** Turning counterexample data into a Counterexample with its rendering methods. */
import type { Counterexample } from '../core/results';
import { counterexampleToYAML } from './codec';
import { counterexampleData } from './data';
import type { CounterexampleData, CounterexampleLike } from './data';
import { renderMermaid } from './mermaid';
import { renderText } from './text';

/**
 * A Counterexample from plain data (built by the checker, read from a trace file or received
 * from a worker): the data fields plus toYAML/toText/toMermaid. Extra fields (verdict, config,
 * toolVersion, opcode) are kept.
 */
export function makeCounterexample(cx: CounterexampleLike): Counterexample & CounterexampleData {
  const data = counterexampleData(cx);
  // Methods are non-enumerable so the object still serializes (JSON, structured clone) as data.
  Object.defineProperties(data, {
    toYAML: { value: () => counterexampleToYAML(data), enumerable: false },
    toText: { value: () => renderText(data), enumerable: false },
    toMermaid: { value: () => renderMermaid(data), enumerable: false },
  });
  return data as Counterexample & CounterexampleData;
}
