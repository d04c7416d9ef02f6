/**
 * The faults of one native run, in time: packet drops are exact rules of the packet filter,
 * installed before the run and keyed on each named WR's PSN as A posts it; event faults are armed
 * on their anchor (or just before the WR they name is posted, the nearest point a real NIC
 * allows), begun with the commands of faults.ts or a message to the agent, ended after their
 * window, and undone when the run ends.
 */
import type { Anchor, Fault } from '../../src/core/scenario';
import type { LayerHost, SendWr } from '../../src/core/verbs';
import type { NativePathOptions, NewEvent } from './config';
import { NetControl } from './faults';
import type { PacketFilter } from './packetFilter';
import type { WirePostHook } from './paths';

/** A fault waiting for its anchor, and whether it began. */
interface FaultState {
  index: number;
  fault: Fault;
  begun: boolean;
  /** True once its end is recorded (a window that closed, a timer that fired): never twice. */
  ended: boolean;
  seen: number;
}

/** A packet drop fault. */
type DropFault = Extract<Fault, { kind: 'drop-request' | 'drop-response' }>;

function isDrop(f: Fault): f is DropFault {
  return f.kind === 'drop-request' || f.kind === 'drop-response';
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
  /** Host A's and host B's QP numbers on `path`. */
  qpns(path: number): { own: number; peer: number };
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
    this.faults = faults.map((fault, index) => ({ index, fault, begun: false, ended: false, seen: 0 }));
  }

  /** True when the run needs the packet filter (it has packet drops). */
  get needsFilter(): boolean {
    return this.faults.some((f) => isDrop(f.fault));
  }

  private filter?: PacketFilter;

  /**
   * Declares every drop fault to the packet filter, before the run starts. A drop without a WR
   * matches every packet of its direction on its path(s), whoever sent it; one with a WR gets its
   * keys as A posts that WR (onWirePost).
   */
  useFilter(filter: PacketFilter): void {
    this.filter = filter;
    filter.onDrop = (rule, match) => this.onDrop(rule, match);
    for (const f of this.faults) {
      const fault = f.fault;
      if (!isDrop(fault)) continue;
      filter.rule(f.index, direction(fault), fault.nth ?? 1, fault.count ?? 1);
      if (fault.wr !== undefined) continue;
      const paths = fault.path === undefined ? Array.from({ length: this.run.paths }, (_, k) => k) : [fault.path];
      for (const p of paths) {
        const q = this.run.qpns(p);
        filter.key(f.index, q.own);
        filter.key(f.index, q.peer);
      }
    }
  }

  /** Host A is about to post `post.wr` with PSN `post.psn`: drops naming that WR now match it. */
  readonly onWirePost: WirePostHook = (post) => {
    if (!this.filter) return;
    for (const f of this.faults) {
      const fault = f.fault;
      if (!isDrop(fault) || fault.wr !== post.wr.id) continue;
      if (fault.path !== undefined && fault.path !== post.path) continue;
      // Requests travel to B's QP, responses to A's; both carry the request's PSN.
      this.filter.key(f.index, direction(fault) === 'req' ? post.peerQpn : post.ownQpn, post.psn);
    }
  };

  /** The filter dropped match `match` of fault `index`: its window began, or closed. */
  private onDrop(index: number, match: number): void {
    const f = this.faults[index];
    if (!f || !isDrop(f.fault) || this.run.finished()) return;
    const fault = f.fault;
    const t = this.run.now();
    this.run.activity(t);
    if (!f.begun) {
      f.begun = true;
      const which = fault.wr === undefined ? 'any WR' : `WR ${fault.wr}`;
      const what = `${fault.kind === 'drop-request' ? 'requests' : 'responses'} of ${which} on path ${fault.path ?? 'any'} dropped by the packet filter (match ${fault.nth ?? 1}, count ${String(fault.count ?? 1)})`;
      this.run.record({ kind: 'Fault', host: 'net', fault: index, phase: 'begin', what }, t);
    }
    const count = fault.count ?? 1;
    if (count !== 'all' && match >= (fault.nth ?? 1) + count - 1) this.endOnce(f, 'net', 'window closed', t);
  }

  private endOnce(f: FaultState, host: 'net' | LayerHost, what: string, t: number): void {
    if (f.ended) return;
    f.ended = true;
    this.run.record({ kind: 'Fault', host, fault: f.index, phase: 'end', what }, t);
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
        return; // rules of the packet filter (useFilter)
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
    this.restore();
    for (const f of this.faults) if (f.begun) this.endOnce(f, 'net', 'run ended: fault undone', endT);
  }

  /** Undoes the network changes and stops the packet filter, whatever happened. */
  restore(): void {
    try {
      this.filter?.stop();
    } finally {
      this.net.restore();
    }
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
      this.endOnce(f, host, what, run.now());
    };
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

/** The packets a drop fault counts. */
function direction(f: DropFault): 'req' | 'resp' {
  return f.kind === 'drop-request' ? 'req' : 'resp';
}
