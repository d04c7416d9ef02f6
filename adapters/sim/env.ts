/**
 * The simulator's transport under the LayerEnv contract (src/core/env): what a decision that
 * passed the contract's rules does to the simulated fabric. Every rule, copy and refusal of
 * misuse is the contract's; only the fabric's own answers (a QP that is not in RTS) are here.
 */
import type { ContractEnv } from '../../src/core/env/contract';
import { contractEnv } from '../../src/core/env/contract';
import { copyControl } from '../../src/core/env/rules';
import { misalignedTransfer } from '../../src/core/validate';
import type { LayerHost } from '../../src/core/verbs';
import { isAtomic } from '../../src/core/verbs';
import { setWord } from './apps';
import { moveToError, pump, reconnect } from './nic';
import { nextPsn } from './psn';
import { other } from './qp';
import type { Wqe } from './qp';
import type { Simulator } from './simulator';

/** Builds the LayerEnv of `host`'s layer instance, on the simulated fabric. */
export function makeLayerEnv(sim: Simulator, host: LayerHost): ContractEnv {
  const mem = sim.memory[host];
  return contractEnv({
    host,
    paths: sim.config.paths,
    memoryWords: sim.config.memoryWords,
    layerMemoryWords: sim.config.layerMemoryWords,
    // Every env call records (a decision, a refusal or a LayerFault), except now(): both are charged.
    record: (e) => {
      sim.chargeLayer(host);
      sim.record(e);
    },
    post(path, wr) {
      const qp = sim.qps[host][path];
      if (qp.state === 'ERR') {
        if (sim.config.postToErrQp === 'reject') return `QP ${path} is in ERR`;
        // Queued, not run: completing before the Post is recorded orders nothing differently.
        sim.complete(host, path, { wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: wr.opcode });
        return undefined;
      }
      if (!qp.connected) return `QP ${path} is in ${qp.state}; ibv_post_send needs RTS`;
      // Legal RC, but beyond the word-addressed memory: refused and said so, never answered wrongly.
      if (wr.addr !== undefined && !Number.isInteger(wr.addr) && !isAtomic(wr.opcode))
        return misalignedTransfer(wr.opcode, wr.addr);
      const wqe: Wqe = {
        wr,
        psn: qp.nextPsn,
        sent: false,
        acked: false,
        lastTx: -1,
        corrupt: sim.faults.isCorrupt(host, path, wr.id),
      };
      qp.sq.push(wqe);
      qp.nextPsn = nextPsn(qp.nextPsn);
      return undefined;
    },
    // After the Post is recorded, so the Send events it causes follow it (a QP in ERR sends nothing).
    posted: (path) => pump(sim, sim.qps[host][path]),
    postRecv(path, wr) {
      const qp = sim.qps[host][path];
      if (qp.state === 'ERR') {
        if (sim.config.postToErrQp === 'reject') return `QP ${path} is in ERR`;
        sim.complete(host, path, { wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: 'RECV' });
        return undefined;
      }
      if (qp.state === 'RESET') return `QP ${path} is in RESET`;
      qp.rq.push(wr);
      return undefined;
    },
    reset: (path, sqPsn, rqPsn) => reconnect(sim, sim.qps[host][path], sqPsn, rqPsn),
    moveToError: (path) => moveToError(sim, sim.qps[host][path]),
    setTimer: (delayNs, token) => sim.armLayerTimer(host, delayNs, token),
    sendControl(msg) {
      if (!sim.controlUp) {
        sim.record({ kind: 'ControlLost', host, msg });
        return;
      }
      const peer = other(host);
      sim.at(sim.config.controlDelayNs, () =>
        sim.onCpu(peer, () => {
          sim.record({ kind: 'ControlReceived', host: peer, obs: peer, msg });
          sim.callLayer(peer, 'onControl', (l) => l.onControl?.(copyControl(msg)));
        }),
      );
    },
    word: (addr) => mem[addr],
    setWord: (addr, value) => setWord(sim, host, addr, value),
    now: () => {
      sim.chargeLayer(host);
      return sim.now;
    },
  });
}
