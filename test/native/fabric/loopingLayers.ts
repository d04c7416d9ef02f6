/**
 * Layers that never stop working, for test/native/work-budget-run.test.ts: the native adapter
 * must stop each with the scenario's work budget (maxLayerSteps), as the simulator does. The
 * agent loads them by this module's path (native({ layerModules })).
 */
import type { FailoverLayer } from '../../../src/core/layer';

/** Issue 12's loop on host A: postSend re-posts the WR forever. */
export const postsForever: FailoverLayer = {
  name: 'posts-forever',
  create(env) {
    return {
      postSend(wr) {
        for (;;) env.post(0, wr);
      },
      postRecv() {},
      onCompletion() {},
    };
  },
};

/** Host B's instance loops on env.now() when the application posts a RECV there. */
export const recvLoopsOnB: FailoverLayer = {
  name: 'recv-loops-on-b',
  create(env) {
    return {
      postSend() {},
      postRecv() {
        for (;;) env.now();
      },
      onCompletion() {},
    };
  },
};
