import { loadNativeLayer } from './adapters/clayer';
import { layers, sim } from './src/index';
const c = loadNativeLayer('./examples/c-layer/build/libresend_all.so');
const scenario: any = { workload: [
  { kind: 'recv', wr: { id: 1 } },
  { kind: 'post', wr: { id: 1, opcode: 'WRITE', addr: 3, value: 11 } },
  { kind: 'post', wr: { id: 2, opcode: 'SEND', value: 5 } },
  { kind: 'post', wr: { id: 3, opcode: 'FETCH_ADD', addr: 2, add: 5 } }],
  faults: [{ kind: 'drop-response', path: 0, count: 'all' }] };
const t0 = Date.now();
const a = sim().runSync!(scenario, c);
const b = sim().runSync!(scenario, layers.resendAll);
console.log(Date.now() - t0, 'ms', a.trace.length, b.trace.length);
const strip = (x: any) => JSON.stringify(x.trace);
console.log(strip(a) === strip(b));
if (strip(a) !== strip(b)) { for (let i=0;i<Math.max(a.trace.length,b.trace.length);i++){ const x=JSON.stringify(a.trace[i]), y=JSON.stringify(b.trace[i]); if (x!==y){console.log(i,x,'\n ',y); break;} } }
c.close();
const d = loadNativeLayer('./examples/c-layer/build/libresend_all.so', { isolation: 'in-process' });
const e = sim().runSync!(scenario, d);
console.log('in-process equal', strip(e) === strip(b));
