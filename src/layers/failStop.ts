import type { FailoverLayer, LayerInstance } from '../core/layer';
import { describedLayer } from './types';
import type { ReferenceLayer } from './types';

/**
 * failStop (UCX, NCCL's default): surface every error, never retransmit. Every WR and RECV goes
 * to path 0 with the application's own ids and every NIC completion is handed over as it is. After
 * the first error completion or a PORT_ERR of path 0 the endpoint is closed: later WRs complete
 * at once with WR_FLUSH_ERR without being posted (as a UCX endpoint in error does), so nothing
 * hangs. The layer never resets a QP and never uses a backup path.
 *
 * Expected audit: every safety property holds for every op class (nothing is ever executed
 * twice: only the NIC's own PSN-checked retransmissions happen); failure-masking fails for every
 * op class as soon as path 0 fails, by design.
 */
export const failStop: ReferenceLayer = describedLayer(
  { name: 'fail-stop', transparent: true, create: createFailStop },
  'never retransmit: surface the error; after the first error, fail every later WR at once',
  {
    summary: 'safe for every op class, masks nothing',
    violations: [
      {
        property: 'failure-masking',
        opcodes: ['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'WRITE_WITH_IMM'],
        why: 'every path failure reaches the application by design',
      },
    ],
  },
);

function createFailStop(env: Parameters<FailoverLayer['create']>[0]): LayerInstance {
  let closed = false;
  return {
    postSend(wr) {
      if (closed || !env.post(0, wr).ok) {
        closed = true;
        env.deliver({ wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: wr.opcode });
      }
    },
    postRecv(wr) {
      // A RECV of a closed endpoint stays posted on the failed QP (it flushes from there).
      if (!env.postRecv(0, wr).ok) env.deliver({ wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: 'RECV' });
    },
    onCompletion(_path, wc) {
      if (wc.status !== 'SUCCESS') closed = true;
      env.deliver(wc);
    },
    onPortEvent(path, event) {
      if (path === 0 && event === 'PORT_ERR') closed = true;
    },
  };
}
