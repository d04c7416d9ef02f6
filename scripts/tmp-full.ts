import { checkLayer } from '../src/check';
import { layers } from '../src/layers';
import { OPCODES } from '../src/core/verbs';
const [name, runs, seed] = process.argv.slice(2);
(async () => {
  for (const op of OPCODES) {
    const r = await checkLayer((layers as any)[name], { numRuns: Number(runs), opcodes: [op], seed: seed ? Number(seed) : undefined, timeLimitMs: 900000 });
    for (const x of r.results) if (x.opcode && x.status !== 'holds') console.log(op, x.property, x.status, x.reason ?? '', x.counterexample?.explanation ?? '', x.counterexample ? JSON.stringify(x.counterexample.scenario) : '');
    console.log('done', op);
  }
})();
