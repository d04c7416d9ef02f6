/**
 * The target (host B) of the Mooncake model. Its CPU takes no part in a transfer: slices are
 * one-sided WRITE/READ. Its layer only answers the endpoint handshake: it resets its own QP of the
 * path (RESET -> RTS, ep.cpp:doSetupConnection:1215-1225, at the PSN that stands for the
 * initiator's new QP: endpointPsn) and sends the ready ACK
 * (ep.cpp:setupConnectionsByPassive:647-818 and sendReadyAck:877-913; the model folds the handshake RPC and the ready ACK into one reply).
 */
import type { LayerEnv, LayerInstance } from '../../core/layer';
import type { HandshakeMessage } from './endpoints';
import { endpointPsn, isHandshake } from './endpoints';

/** Creates host B's instance of the Mooncake model. */
export function createMooncakeTarget(env: LayerEnv): LayerInstance {
  return {
    // The model's workloads give B nothing to post; anything it posts goes to path 0 as it is.
    postSend(wr) {
      if (!env.post(0, wr).ok) env.deliver({ wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: wr.opcode });
    },
    postRecv(wr) {
      if (!env.postRecv(0, wr).ok) env.deliver({ wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: 'RECV' });
    },
    onCompletion(_path, wc) {
      env.deliver(wc);
    },
    onControl(msg) {
      if (!isHandshake(msg) || msg.mooncake !== 'connect') return;
      if (msg.path < 0 || msg.path >= env.paths) return;
      const psn = endpointPsn(msg.attempt);
      env.reset(msg.path, { sqPsn: psn, rqPsn: psn });
      env.sendControl({ mooncake: 'ready', path: msg.path, attempt: msg.attempt } satisfies HandshakeMessage);
    },
  };
}
