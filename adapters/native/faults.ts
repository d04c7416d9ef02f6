/**
 * Fault injection on real verbs: which scenario faults the native adapter can reproduce, and the
 * system commands that do it (tc on RoCEv2's UDP port 4791 for link faults, ip link, QP to ERR;
 * packet drops go through packetFilter.ts). Link faults act on the requester's Ethernet device:
 * requests leave by its egress, responses come in by its ingress.
 */
import { spawnSync } from 'child_process';
import type { AdapterCapabilities } from '../../src/core/execution';
import type { Fault, FaultKind } from '../../src/core/scenario';

/** RoCEv2's UDP destination port (every RoCEv2 packet, requests and responses). */
export const ROCE_V2_PORT = 4791;

/** Per fault kind: can the native adapter inject it, and if not, why. */
export const NATIVE_FAULTS: AdapterCapabilities['faults'] = {
  'link-down': {
    supported: true,
    reason:
      "tc loses UDP 4791 at the requester's netdev: requests by a netem band on egress, responses by a clsact drop on ingress (needs root, sch_prio, sch_netem, cls_flower); a link-down anchored on send/execute of a WR starts just before that WR is posted",
  },
  'drop-request': {
    supported: true,
    reason:
      "exact: nftables queues A's RoCEv2 packets to the roce-filter helper, which drops the requests of a WR by (destination QP, PSN) from the BTH, counted as the simulator counts them; only A's WRs can be named (the driver learns their PSNs as A posts them)",
  },
  'drop-response': {
    supported: true,
    reason:
      "exact: nftables queues A's RoCEv2 packets to the roce-filter helper, which drops the responses of a WR by (destination QP, PSN) from the BTH (sequence NAKs excepted), counted as the simulator counts them; only A's WRs can be named",
  },
  'nic-death': {
    supported: true,
    reason:
      'ip link set <netdev> down/up on that host (needs root); the local layer gets the real PORT_ERR async event',
  },
  'qp-error': { supported: true, reason: 'ibv_modify_qp to ERR on that host' },
  'control-loss': { supported: true, reason: 'emulated: the driver drops sendControl messages on the harness channel' },
  'corrupt-wqe': {
    supported: false,
    reason: 'verbs offer no way to corrupt a WQE; a bad lkey gives LOC_PROT_ERR, not LOC_QP_OP_ERR',
  },
  delay: { supported: false, reason: "not implemented (tc netem could delay UDP 4791 but not one WR's packets)" },
  pause: { supported: false, reason: 'not implemented (SIGSTOP/SIGCONT of the host process could do it)' },
} satisfies Record<FaultKind, { supported: boolean; reason: string }>;

/**
 * Why `fault` cannot run natively, or undefined when it can. `exact` says whether the packet
 * filter (packetFilter.ts) is available here: drops need it.
 */
export function unsupportedReason(fault: Fault, exact: { ok: boolean; reason?: string }): string | undefined {
  const cap = NATIVE_FAULTS[fault.kind];
  if (!cap?.supported) return cap?.reason ?? `unknown fault kind ${fault.kind}`;
  if ((fault.kind === 'drop-request' || fault.kind === 'drop-response') && !exact.ok)
    return `${fault.kind} needs the packet filter: ${exact.reason ?? 'unavailable'}`;
  return undefined;
}

/** A direction of traffic at the requester's netdev. */
export type TcHook = 'egress' | 'ingress';

/**
 * Runs the network commands (synchronously: a drop must be in place before the next post).
 *
 * Why two mechanisms: a clsact `drop` on egress makes the transmit call fail, and rdma_rxe then
 * re-queues the packet forever instead of losing it (no retransmission timer, no RETRY_EXC_ERR).
 * So requests leaving A go through a prio band whose netem qdisc loses 100% - the transmit
 * "succeeds" and the packet is gone, a real loss on the wire. Responses entering A are dropped
 * by a clsact ingress filter, after B's NIC sent them (the paper's ACK loss).
 */
export class NetControl {
  private readonly egressReady = new Set<string>();
  private readonly ingressReady = new Set<string>();
  private readonly downed = new Set<string>();

  /** Loses RoCEv2 packets leaving (egress) or entering (ingress) `netdev`. */
  drop(netdev: string, hook: TcHook): void {
    if (hook === 'egress') {
      if (!this.egressReady.has(netdev)) {
        // Bands 0-2 carry all other traffic with the usual priority map; band 3 (class 1:4) only
        // what the filter sends there.
        run('tc', [
          'qdisc',
          'replace',
          'dev',
          netdev,
          'root',
          'handle',
          '1:',
          'prio',
          'bands',
          '4',
          'priomap',
          '1',
          '2',
          '2',
          '2',
          '1',
          '2',
          '0',
          '0',
          '1',
          '1',
          '1',
          '1',
          '1',
          '1',
          '1',
          '1',
        ]);
        run('tc', ['qdisc', 'replace', 'dev', netdev, 'parent', '1:4', 'handle', '40:', 'netem', 'loss', '100%']);
        this.egressReady.add(netdev);
      }
      run('tc', [
        'filter',
        'replace',
        'dev',
        netdev,
        'parent',
        '1:',
        'protocol',
        'ip',
        'prio',
        '1',
        'flower',
        'ip_proto',
        'udp',
        'dst_port',
        String(ROCE_V2_PORT),
        'classid',
        '1:4',
      ]);
      return;
    }
    if (!this.ingressReady.has(netdev)) {
      run('tc', ['qdisc', 'replace', 'dev', netdev, 'clsact']);
      this.ingressReady.add(netdev);
    }
    run('tc', [
      'filter',
      'replace',
      'dev',
      netdev,
      'ingress',
      'protocol',
      'ip',
      'prio',
      '2',
      'flower',
      'ip_proto',
      'udp',
      'dst_port',
      String(ROCE_V2_PORT),
      'action',
      'drop',
    ]);
  }

  /** Lets RoCEv2 packets through `netdev` in `hook` again. */
  undrop(netdev: string, hook: TcHook): void {
    if (hook === 'egress' && this.egressReady.has(netdev)) {
      run('tc', ['filter', 'del', 'dev', netdev, 'parent', '1:', 'prio', '1'], { allowFail: true });
    } else if (hook === 'ingress' && this.ingressReady.has(netdev)) {
      run('tc', ['filter', 'del', 'dev', netdev, 'ingress', 'prio', '2'], { allowFail: true });
    }
  }

  linkDown(netdev: string): void {
    run('ip', ['link', 'set', 'dev', netdev, 'down']);
    this.downed.add(netdev);
  }

  linkUp(netdev: string): void {
    run('ip', ['link', 'set', 'dev', netdev, 'up']);
    this.downed.delete(netdev);
  }

  /** Undoes everything this instance did (at the end of a run, also after a failure). */
  restore(): void {
    for (const d of this.egressReady) run('tc', ['qdisc', 'del', 'dev', d, 'root'], { allowFail: true });
    this.egressReady.clear();
    for (const d of this.ingressReady) run('tc', ['qdisc', 'del', 'dev', d, 'clsact'], { allowFail: true });
    this.ingressReady.clear();
    for (const d of this.downed) run('ip', ['link', 'set', 'dev', d, 'up'], { allowFail: true });
    this.downed.clear();
  }
}

function run(cmd: string, args: string[], o: { allowFail?: boolean } = {}): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if ((r.status !== 0 || r.error) && !o.allowFail) {
    const why = r.error ? r.error.message : (r.stderr || '').trim();
    throw new Error(
      `native: fault injection failed: ${cmd} ${args.join(' ')}: ${why} (needs root and iproute2 with cls_flower)`,
    );
  }
}
