import { checkLayer } from '../src/check';
import { layers } from '../src/layers';
const [name, op, prop] = process.argv.slice(2);
(async () => {
  const r = await checkLayer((layers as any)[name], { numRuns: 500, opcodes: [op as any] });
  const x = r.results.find((q) => q.opcode === op && q.property === prop)!;
  if (x.counterexample) { console.log(x.counterexample.toText()); console.log(JSON.stringify(x.counterexample.scenario)); }
  else console.log(x.status);
})();
