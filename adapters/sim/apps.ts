/**
 * The applications around the layer: A's and B's posts (workload steps), the receiver's
 * "wait for a value, consume it, reuse the buffer", and the third party C's operations on B's
 * memory. Memory writes go through setWord so that the receiver's watches wake.
 */
import type { WorkloadStep } from '../../src/core/scenario';
import type { LayerHost } from '../../src/core/verbs';
import { copyWr } from '../../src/core/verbs';
import type { Simulator } from './simulator';

/** A reuse step the receiver application is waiting on: when word `addr` holds `expect`, write `value`. */
export interface ReuseWatch {
  addr: number;
  expect: number;
  value: number;
  fired: boolean;
}

/** Writes a word of `host`'s memory and wakes the receiver application's watches. */
export function setWord(sim: Simulator, host: LayerHost, addr: number, value: number): void {
  sim.memory[host][addr] = value;
  if (host === 'B' && sim.watches.length > 0) checkWatches(sim, addr);
}

/** Fires the watches on `addr` whose expected value is now there (after the app's delay). */
function checkWatches(sim: Simulator, addr: number): void {
  for (const w of sim.watches) {
    if (w.fired || w.addr !== addr || sim.memory.B[addr] !== w.expect) continue;
    w.fired = true;
    sim.at(sim.config.appDelayNs, () => {
      sim.touchActivity();
      sim.record({ kind: 'AppConsume', host: 'B', addr, value: sim.memory.B[addr] });
      sim.record({ kind: 'AppReuse', host: 'B', addr, value: w.value });
      setWord(sim, 'B', addr, w.value);
    });
  }
}

/** Performs one workload step now. */
export function runStep(sim: Simulator, step: WorkloadStep): void {
  sim.touchActivity();
  switch (step.kind) {
    case 'post': {
      const host = step.host ?? 'A';
      const wr = copyWr(step.wr);
      sim.envs[host].appPostedSend(wr.id);
      sim.record({ kind: 'AppPostSend', host, obs: host, wr });
      sim.callLayer(host, 'postSend', (l) => l.postSend(copyWr(wr)));
      return;
    }
    case 'recv': {
      const host = step.host ?? 'B';
      const wr = { ...step.wr };
      sim.envs[host].appPostedRecv(wr.id);
      sim.record({ kind: 'AppPostRecv', host, obs: host, wr });
      sim.callLayer(host, 'postRecv', (l) => l.postRecv({ ...wr }));
      return;
    }
    case 'reuse': {
      const w = { addr: step.addr, expect: step.expect, value: step.value, fired: false };
      sim.watches.push(w);
      checkWatches(sim, step.addr);
      return;
    }
    case 'third': {
      // C's request travels over its own reliable QP and executes at B's NIC.
      sim.at(sim.config.wireDelayNs, () => thirdParty(sim, step));
      return;
    }
  }
}

/** C's operation executes at B's NIC: reads the old word, writes the new one. */
function thirdParty(sim: Simulator, step: Extract<WorkloadStep, { kind: 'third' }>): void {
  sim.touchActivity();
  const mem = sim.memory.B;
  const old = mem[step.addr] ?? 0;
  let next = old;
  if (step.op === 'WRITE') next = step.value ?? 0;
  else if (step.op === 'FETCH_ADD') next = old + (step.add ?? 0);
  else if (old === (step.compare ?? 0)) next = step.swap ?? 0;
  const { kind: _k, after: _a, ...args } = step;
  sim.record({ kind: 'ThirdParty', host: 'C', ...args, old });
  if (next !== old) setWord(sim, 'B', step.addr, next);
  else sim.memory.B[step.addr] = next;
}
