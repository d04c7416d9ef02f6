import type { FailoverLayer } from '../core/layer';

/**
 * passThrough: no failover at all. Every WR and RECV goes to path 0, every completion is handed
 * to the application as it is. The simulator's first user, and the baseline of every audit:
 * every safety property holds (nothing is ever re-posted); failure-masking fails as soon as
 * path 0 does.
 */
export const passThrough: FailoverLayer = {
  name: 'pass-through',
  transparent: true,
  create(env) {
    return {
      postSend: (wr) => {
        const r = env.post(0, wr);
        if (!r.ok) env.deliver({ wrId: wr.id, status: 'LOC_QP_OP_ERR', opcode: wr.opcode });
      },
      postRecv: (wr) => {
        env.postRecv(0, wr);
      },
      onCompletion: (_path, wc) => env.deliver(wc),
    };
  },
};
