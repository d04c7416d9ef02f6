/**
 * The faults of one native run, in time: each is armed on its anchor (or just before the WR it
 * names is posted, the nearest point a real NIC allows), begun with the commands of faults.ts or a
 * message to the agent, ended after its window, and undone when the run ends.
 */
import type { Anchor, Fault } from '../../src/core/scenario';
import type { LayerHost, SendWr } from '../../src/core/verbs';
import type { NativePathOptions, NewEvent } from './config';
import { NetControl } from './faults';

/** A fault waiting for its anchor, and whether it began. */
interface FaultState {
  index: number;
  fault: Fault;
  begun: boolean;
  seen: number;
}

/** What the injector needs of the driver's run. */
export interface FaultRun {
  /** Number of paths of the run. */
  readonly paths: number;
  /** A's NIC per path (netdev names for tc and ip link). */
  readonly pathOptions: NativePathOptions[];
  /** Host A's clock (ns). */
  now(): number;
  record(e: NewEvent, t: number): void;
  /** True once the run has ended: nothing more begins or ends. */
  finished(): boolean;
  /** Something happened at `t`: the liveness limit counts from here. */
  activity(t: number): void;
  /** A scenario timer (the run is not quiescent while one is pending). */
  timer(ms: number, fn: () => void): void;
  /** A scenario duration in real milliseconds. */
  ms(ns: number): number;
  /** Calls `fire` when `anchor` is reached. */
  wait(anchor: Anchor, fire: () => void): void;
  /** Forces host A's QP of `path` to ERR. */
  forceErrorA(path: number): void;
  /** Asks the agent to apply a fault on host B (best effort). */
  agentFault(action: 'link-down' | 'link-up' | 'qp-error', path: number): void;
}

/** Injects a scenario's faults into a native run. */
export class FaultInjector {
  private readonly net = new NetControl();
  private readonly faults: FaultState[];
  private controlIsUp = true;

  constructor(
    faults: Fault[],
    private readonly run: FaultRun,
  ) {
    this.faults = faults.map((fault, index) => ({ index, fault, begun: false, seen: 0 }));
  }

  /** False while a control-loss fault holds the management network down. */
  get controlUp(): boolean {
    return this.controlIsUp;
  }

  /** Arms every fault on its anchor (persistent drops without a WR begin at once). */
  armAll(): void {
    for (const f of this.faults) this.arm(f);
  }

  private arm(f: FaultState): void {
    const fault = f.fault;
    switch (fault.kind) {
      case 'drop-request':
      case 'drop-response':
        // Persistent drops: from the start, or from just before the WR's first post.
        if (fault.wr === undefined) this.begin(f);
        return;
      case 'corrupt-wqe':
      case 'delay':
        return; // refused up front (unsupportedReason)
      default: {
        const a = fault.after;
        // An anchor on a packet of a WR (send/execute) fires just before that WR is posted: a
        // real NIC transmits and executes within microseconds, faster than any command.
        if (a.on === 'send' || a.on === 'execute') return;
        this.run.wait(a, () => this.begin(f));
      }
    }
  }

  /** Called synchronously before host A posts `wr` on `path`. */
  beforePost(host: LayerHost, path: number, wr: SendWr): void {
    for (const f of this.faults) {
      if (f.begun) continue;
      const fault = f.fault;
      if (
        (fault.kind === 'drop-request' || fault.kind === 'drop-response') &&
        fault.wr === wr.id &&
        host === 'A' &&
        (fault.path === undefined || fault.path === path)
      ) {
        this.begin(f);
        continue;
      }
      if (!('after' in fault)) continue;
      const a = fault.after;
      if ((a.on !== 'send' && a.on !== 'execute') || a.wr !== wr.id || (a.host ?? 'A') !== host) continue;
      if (a.path !== undefined && a.path !== path) continue;
      f.seen++;
      if (f.seen === (a.nth ?? 1))
        this.begin(f, ' (begun just before the WR was posted: the nearest point a real NIC allows)');
    }
  }

  /** At the end of the run: undoes the network changes and records the end of every fault that began. */
  endRun(endT: number): void {
    this.net.restore();
    for (const f of this.faults)
      if (f.begun)
        this.run.record(
          { kind: 'Fault', host: 'net', fault: f.index, phase: 'end', what: 'run ended: fault undone' },
          endT,
        );
  }

  /** Undoes the network changes, whatever happened. */
  restore(): void {
    this.net.restore();
  }

  private netdev(path: number): string {
    const d = this.run.pathOptions[path]?.netdev;
    if (!d)
      throw new Error(
        `native.run: path ${path} has no netdev configured; packet and link faults need paths[${path}].netdev`,
      );
    return d;
  }

  private begin(f: FaultState, note = ''): void {
    const run = this.run;
    if (f.begun || run.finished()) return;
    f.begun = true;
    const fault = f.fault;
    const t = run.now();
    run.activity(t);
    const begin = (what: string, host: 'net' | LayerHost = 'net') =>
      run.record({ kind: 'Fault', host, fault: f.index, phase: 'begin', what: what + note }, run.now());
    const end = (what: string, host: 'net' | LayerHost = 'net') => {
      run.activity(run.now());
      run.record({ kind: 'Fault', host, fault: f.index, phase: 'end', what }, run.now());
    };
    const paths = (p: number | undefined) => (p === undefined ? Array.from({ length: run.paths }, (_, k) => k) : [p]);
    switch (fault.kind) {
      case 'link-down': {
        const hooks =
          fault.direction === 'both'
            ? (['egress', 'ingress'] as const)
            : fault.direction === 'a-to-b'
              ? (['egress'] as const)
              : (['ingress'] as const);
        const dev = this.netdev(fault.path);
        for (const h of hooks) this.net.drop(dev, h);
        begin(`link ${fault.path} ${fault.direction} down: tc loses UDP 4791 ${hooks.join('+')} at A's ${dev}`);
        if (fault.upAfterNs !== undefined) {
          run.timer(run.ms(fault.upAfterNs), () => {
            if (run.finished()) return;
            for (const h of hooks) this.net.undrop(dev, h);
            end(`link ${fault.path} ${fault.direction} up`);
          });
        }
        return;
      }
      case 'drop-request':
      case 'drop-response': {
        const hook = fault.kind === 'drop-request' ? 'egress' : 'ingress';
        for (const p of paths(fault.path)) this.net.drop(this.netdev(p), hook);
        begin(`${fault.kind} on path ${fault.path ?? 'any'} from now on: tc loses UDP 4791 ${hook} at A`);
        return;
      }
      case 'nic-death': {
        if (fault.host === 'A') {
          const dev = this.netdev(fault.path);
          this.net.linkDown(dev);
          begin(`A's NIC ${fault.path} dead: ip link set ${dev} down`, 'A');
          if (fault.reviveAfterNs !== undefined) {
            run.timer(run.ms(fault.reviveAfterNs), () => {
              if (run.finished()) return;
              this.net.linkUp(dev);
              end(`A's NIC ${fault.path} revived`, 'A');
            });
          }
        } else {
          run.agentFault('link-down', fault.path);
          begin(`B's NIC ${fault.path} dead: ip link set down on the agent`, 'B');
          if (fault.reviveAfterNs !== undefined) {
            run.timer(run.ms(fault.reviveAfterNs), () => {
              if (run.finished()) return;
              run.agentFault('link-up', fault.path);
              end(`B's NIC ${fault.path} revived`, 'B');
            });
          }
        }
        return;
      }
      case 'qp-error':
        begin(`${fault.host}'s QP ${fault.path} forced to ERR`, fault.host);
        if (fault.host === 'A') run.forceErrorA(fault.path);
        else run.agentFault('qp-error', fault.path);
        return;
      case 'control-loss':
        this.controlIsUp = false;
        begin('management network lost (control messages dropped)');
        if (fault.restoreAfterNs !== undefined) {
          run.timer(run.ms(fault.restoreAfterNs), () => {
            this.controlIsUp = true;
            end('management network back');
          });
        }
        return;
      default:
        return;
    }
  }
}
