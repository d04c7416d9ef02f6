/**
 * Canary layers: tiny, deliberately broken layers that each property must catch, and the
 * scenarios that expose them. They belong to the tests, not to the library.
 */
import { sim } from '../../adapters/sim';
import type { Execution } from '../../src/core/execution';
import type { FailoverLayer, LayerEnv, LocalMemory } from '../../src/core/layer';
import type { Fault, Scenario, WorkloadStep } from '../../src/core/scenario';
import type { SendWr } from '../../src/core/verbs';

/** Runs a scenario on the simulator. */
export function run(scenario: Scenario, layer: FailoverLayer): Execution {
  return sim().runSync!(scenario, layer);
}

/** A workload post of A. */
export function post(wr: SendWr, after?: WorkloadStep['after']): WorkloadStep {
  return after ? { kind: 'post', wr, after } : { kind: 'post', wr };
}

/** A RECV posted by B's application. */
export function recv(id: number): WorkloadStep {
  return { kind: 'recv', wr: { id } };
}

/** Every response of WR `wr` on path 0 is lost: it executes, the sender never learns it (AckLost). */
export const ackLostForever = (wr: number): Fault => ({ kind: 'drop-response', path: 0, wr, count: 'all' });

/** Every request of WR `wr` on path 0 is lost: it never executes (PacketLost). */
export const requestLostForever = (wr: number): Fault => ({ kind: 'drop-request', path: 0, wr, count: 'all' });

/** A correct layer for one-path use: everything on path 0, completions passed through. */
export const honest: FailoverLayer = {
  name: 'honest-pass-through',
  transparent: true,
  create(env) {
    return {
      postSend: (wr) => void env.post(0, wr),
      postRecv: (wr) => void env.postRecv(0, wr),
      onCompletion: (_p, wc) => env.deliver(wc),
    };
  },
};

/**
 * The double-FADD canary: on an error completion, re-post the WR on the next path, blindly
 * (RECVs are posted on every path so a re-posted SEND finds one). Executes twice when an ACK
 * was lost: at-most-once, linearizability and no-queue-sliding must catch it. It masks failures.
 */
export const resendOnError: FailoverLayer = {
  name: 'canary-resend-on-error',
  transparent: true,
  create(env) {
    const posted = new Map<number, SendWr>();
    return {
      postSend(wr) {
        posted.set(wr.id, wr);
        env.post(0, wr);
      },
      postRecv(wr) {
        for (let p = 0; p < env.paths; p++) env.postRecv(p, wr);
      },
      onCompletion(path, wc) {
        if (wc.opcode !== 'RECV' && wc.status !== 'SUCCESS' && path + 1 < env.paths) {
          env.post(path + 1, posted.get(wc.wrId)!);
          return;
        }
        if (wc.opcode === 'RECV' && wc.status !== 'SUCCESS') return; // flushed copies of a RECV
        env.deliver(wc);
      },
    };
  },
};

/** Picks the path of every WR with Math.random: sender-view-determinism's replay must catch it. */
export const randomPath: FailoverLayer = {
  name: 'canary-math-random',
  create(env) {
    return {
      postSend: (wr) => void env.post(Math.random() < 0.5 ? 0 : 1, wr),
      postRecv: (wr) => {
        for (let p = 0; p < env.paths; p++) env.postRecv(p, wr);
      },
      onCompletion: (_p, wc) => env.deliver(wc),
    };
  },
};

/** Picks the path by the wall clock's parity: sender-view-determinism's replay must catch it. */
export const wallClockPath: FailoverLayer = {
  name: 'canary-date-now',
  create(env) {
    return {
      postSend: (wr) => void env.post(Date.now() % 2, wr),
      postRecv: (wr) => {
        for (let p = 0; p < env.paths; p++) env.postRecv(p, wr);
      },
      onCompletion: (_p, wc) => env.deliver(wc),
    };
  },
};

/**
 * The module-state cheat: B's instance leaves its memory in a module variable, and A's instance
 * peeks at it after an error to learn whether its WRITE executed (re-post if not, pretend
 * SUCCESS if so). Safe and live - by a channel no real sender has. The twin check must catch it.
 */
let peekedMemory: LocalMemory | undefined;
export const sharedStateCheat: FailoverLayer = {
  name: 'canary-module-state-cheat',
  create(env: LayerEnv) {
    if (env.host === 'B') peekedMemory = env.memory;
    const posted = new Map<number, SendWr>();
    return {
      postSend(wr) {
        posted.set(wr.id, wr);
        env.post(0, wr);
      },
      postRecv: (wr) => void env.postRecv(0, wr),
      onCompletion(path, wc) {
        const wr = posted.get(wc.wrId);
        if (env.host === 'A' && wr && wc.status !== 'SUCCESS' && wr.opcode === 'WRITE' && path === 0) {
          if (peekedMemory?.read(wr.addr!) === wr.value)
            env.deliver({ wrId: wr.id, status: 'SUCCESS', opcode: 'WRITE' });
          else env.post(1, wr);
          return;
        }
        env.deliver(wc);
      },
    };
  },
};

/**
 * A second cheat through module state: B's instance notes in a module-level set every message
 * it received; A's instance re-posts a failed SEND only when B never got it.
 */
const receivedByB = new Set<number>();
export const receivedSetCheat: FailoverLayer = {
  name: 'canary-received-set-cheat',
  create(env) {
    const posted = new Map<number, SendWr>();
    return {
      postSend(wr) {
        posted.set(wr.id, wr);
        env.post(0, wr);
      },
      postRecv(wr) {
        for (let p = 0; p < env.paths; p++) env.postRecv(p, wr);
      },
      onCompletion(path, wc) {
        if (wc.opcode === 'RECV') {
          if (wc.status === 'SUCCESS' && wc.value !== undefined) receivedByB.add(wc.value);
          if (wc.status === 'SUCCESS') env.deliver(wc);
          return;
        }
        const wr = posted.get(wc.wrId);
        if (wr && wc.status !== 'SUCCESS' && path === 0) {
          if (receivedByB.has(wr.value ?? -1)) env.deliver({ wrId: wr.id, status: 'SUCCESS', opcode: wr.opcode });
          else env.post(1, wr);
          return;
        }
        env.deliver(wc);
      },
    };
  },
};

/** Swallows every error completion: the application waits forever. failure-masking must catch it. */
export const swallowErrors: FailoverLayer = {
  name: 'canary-swallow-errors',
  transparent: true,
  create(env) {
    return {
      postSend: (wr) => void env.post(0, wr),
      postRecv: (wr) => void env.postRecv(0, wr),
      onCompletion: (_p, wc) => {
        if (wc.status === 'SUCCESS') env.deliver(wc);
      },
    };
  },
};

/** Retries forever on a timer without ever re-posting: a hang that keeps the run busy. */
export const busyHang: FailoverLayer = {
  name: 'canary-busy-hang',
  transparent: true,
  create(env) {
    return {
      postSend: (wr) => void env.post(0, wr),
      postRecv: (wr) => void env.postRecv(0, wr),
      onCompletion: (_p, wc) => {
        if (wc.status === 'SUCCESS') env.deliver(wc);
        else env.setTimer(100_000, 'poll');
      },
      onTimer: () => env.setTimer(100_000, 'poll'),
    };
  },
};

/** A timer storm: zero-delay timers forever, so the run hits the event limit. */
export const timerStorm: FailoverLayer = {
  name: 'canary-timer-storm',
  create(env) {
    return {
      postSend: (wr) => {
        env.post(0, wr);
        env.setTimer(0, 'spin');
      },
      postRecv: (wr) => void env.postRecv(0, wr),
      onCompletion: (_p, wc) => env.deliver(wc),
      onTimer: () => env.setTimer(0, 'spin'),
    };
  },
};

/** Lies about results: every READ/atomic completion returns the value plus one. */
export const valueLiar: FailoverLayer = {
  name: 'canary-value-liar',
  transparent: true,
  create(env) {
    return {
      postSend: (wr) => void env.post(0, wr),
      postRecv: (wr) => void env.postRecv(0, wr),
      onCompletion: (_p, wc) =>
        env.deliver(wc.value !== undefined && wc.opcode !== 'RECV' ? { ...wc, value: wc.value + 1 } : wc),
    };
  },
};

/** Reports SUCCESS as soon as the application posts, before anything executed. */
export const earlySuccess: FailoverLayer = {
  name: 'canary-early-success',
  transparent: true,
  create(env) {
    return {
      postSend: (wr) => {
        env.deliver({ wrId: wr.id, status: 'SUCCESS', opcode: wr.opcode });
        env.post(0, { ...wr, signaled: false });
      },
      postRecv: (wr) => void env.postRecv(0, wr),
      onCompletion: (_p, wc) => {
        if (wc.opcode === 'RECV') env.deliver(wc);
      },
    };
  },
};

/** Hands every completion to the application twice. */
export const doubleDeliver: FailoverLayer = {
  name: 'canary-double-deliver',
  transparent: true,
  create(env) {
    return {
      postSend: (wr) => void env.post(0, wr),
      postRecv: (wr) => void env.postRecv(0, wr),
      onCompletion: (_p, wc) => {
        env.deliver(wc);
        env.deliver(wc);
      },
    };
  },
};

/** Writes the wrong value (value + 1) under the application's WR id: only linearizability sees it. */
export const corruptingWriter: FailoverLayer = {
  name: 'canary-corrupting-writer',
  transparent: true,
  create(env) {
    return {
      postSend: (wr) => void env.post(0, wr.opcode === 'WRITE' ? { ...wr, value: (wr.value ?? 0) + 1 } : wr),
      postRecv: (wr) => void env.postRecv(0, wr),
      onCompletion: (_p, wc) => env.deliver(wc),
    };
  },
};

/** Throws from every handler: the simulator records LayerFaults; properties must still judge. */
export const thrower: FailoverLayer = {
  name: 'canary-thrower',
  create() {
    return {
      postSend: () => {
        throw new Error('boom');
      },
      postRecv: () => {
        throw new Error('boom');
      },
      onCompletion: () => {
        throw new Error('boom');
      },
    };
  },
};
