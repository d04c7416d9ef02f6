import { sim } from './adapters/sim';
import { layers } from './src/layers';
import { properties } from './properties';
const s = {"config":{"paths":2,"retryCnt":0,"timeout":1,"rnrRetry":0,"maxEvents":20000},"workload":[{"kind":"recv","wr":{"id":1}},{"kind":"post","wr":{"id":1,"opcode":"SEND","value":101}},{"kind":"post","wr":{"id":2,"opcode":"SEND","value":102}},{"kind":"post","wr":{"id":3,"opcode":"SEND","value":103}}],"faults":[]} as any;
(async () => {
  const ex = sim().runSync!(s, layers.resendAll);
  console.log(JSON.stringify(await properties.completionFidelity.check(ex)));
  for (const e of ex.trace) if (['Execute','Completion','Deliver','RecvConsumed','Ack'].includes(e.kind)) console.log(JSON.stringify(e));
})();
