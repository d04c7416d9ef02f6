/**
 * The application workload on one host: it posts WRs and RECVs through the layer, the receiver
 * consumes and reuses buffers (T2), and the agent's CPU stands in for a third host C. Every step is
 * recorded as the simulator records it.
 */
import type { ContractEnv } from '../../src/core/env/contract';
import type { LayerHost, RecvWr, SendWr } from '../../src/core/verbs';
import type { HostContext } from './hostContext';
import type { ScannedMemory } from './memory';

/** A receiver-application watch: once `addr` holds `expect`, consume it and write `value`. */
interface Watch {
  addr: number;
  expect: number;
  value: number;
  appDelayNs: number;
  fired: boolean;
}

/** The application of one host. */
export class HostApplication {
  private readonly watches: Watch[] = [];

  /** `env` learns each post of the application, as the contract's misuse checks need. */
  constructor(
    private readonly rt: HostContext,
    private readonly memory: ScannedMemory,
    private readonly env: Pick<ContractEnv, 'appPostedSend' | 'appPostedRecv'>,
  ) {}

  /** The application posts a send WR through the layer. */
  postSend(wr: SendWr): void {
    const host: LayerHost = this.rt.host;
    this.env.appPostedSend(wr.id);
    this.rt.record({ kind: 'AppPostSend', host, obs: host, wr: { ...wr } });
    this.rt.callLayer('postSend', (l) => l.postSend({ ...wr }));
  }

  /** The application posts a RECV through the layer. */
  postRecv(wr: RecvWr): void {
    const host: LayerHost = this.rt.host;
    this.env.appPostedRecv(wr.id);
    this.rt.record({ kind: 'AppPostRecv', host, obs: host, wr: { ...wr } });
    this.rt.callLayer('postRecv', (l) => l.postRecv({ ...wr }));
  }

  /** The receiver application waits for `expect` at `addr`, consumes it and writes `value` (T2). */
  addReuse(addr: number, expect: number, value: number, appDelayNs: number): void {
    this.watches.push({ addr, expect, value, appDelayNs, fired: false });
    this.checkWatches();
  }

  /** A third party's operation on this host's memory (the agent's CPU stands in for host C). */
  thirdParty(
    op: 'WRITE' | 'FETCH_ADD' | 'CMP_SWAP',
    args: { addr: number; value?: number; add?: number; compare?: number; swap?: number },
  ): void {
    this.memory.scan();
    const old = this.memory.word(args.addr);
    let next = old;
    if (op === 'WRITE') next = args.value ?? 0;
    else if (op === 'FETCH_ADD') next = old + (args.add ?? 0);
    else if (old === (args.compare ?? 0)) next = args.swap ?? 0;
    this.rt.record({ kind: 'ThirdParty', host: 'C', op, ...args, old });
    this.memory.setWord(args.addr, next);
  }

  /** Fires every watch whose word now holds what it waits for (after the application's delay). */
  checkWatches(): void {
    const mem = this.memory;
    for (const w of this.watches) {
      if (w.fired || w.addr < 0 || w.addr >= mem.words.length || mem.word(w.addr) !== w.expect) continue;
      w.fired = true;
      this.rt.later(w.appDelayNs, () => {
        mem.scan();
        this.rt.record({ kind: 'AppConsume', host: 'B', addr: w.addr, value: mem.word(w.addr) });
        this.rt.record({ kind: 'AppReuse', host: 'B', addr: w.addr, value: w.value });
        mem.setWord(w.addr, w.value);
      });
    }
  }
}
