/**
 * Scenarios: plain data (they round-trip through YAML) describing one run: the fabric's config,
 * the applications' workload, and the faults. Faults and workload steps are anchored to events,
 * not wall time, so that removing earlier steps while shrinking keeps their meaning.
 */
import type { LayerHost, RecvWr, SendWr } from './verbs';

const nicProfileList = ['ibta', 'rxe'] as const;

/**
 * A NIC profile: 'ibta' follows the IBTA specification (and mlx5, which follows it); 'rxe' follows
 * the Linux kernel's Soft-RoCE driver where it differs (docs/simulator.md lists every difference).
 */
export type NicProfile = (typeof nicProfileList)[number];

/** Every NIC profile, the default first. */
export const NIC_PROFILES: readonly NicProfile[] = nicProfileList;

/** Fabric and limits of one run. Times are virtual nanoseconds. */
export interface SimConfig {
  /** NIC pairs A<->B; path 0 is the primary, 1.. the backups. */
  paths: number;
  /**
   * IB local ACK timeout exponent: the retransmission timer is ibTimerNs(timeout) = 4.096 us *
   * 2^timeout (nic 'rxe': rxeTimerNs, whole 4 ms jiffies).
   */
  timeout: number;
  /** Transport retries after a timeout or sequence NAK (0..7) before RETRY_EXC_ERR (nic 'rxe': 7 is forever). */
  retryCnt: number;
  /** RNR retries (0..7, 7 = forever) before RNR_RETRY_EXC_ERR. */
  rnrRetry: number;
  /** How long a requester waits after an RNR NAK before retrying (nic 'rxe': whole jiffies, at least one). */
  minRnrTimerNs: number;
  /** Responder's cache of recent atomic results (max_dest_rd_atomic slots). */
  maxDestRdAtomic: number;
  /**
   * Requester's initiator depth (max_rd_atomic): READs and atomics outstanding at once; later ones
   * wait until a response returns a credit (rxe_req.c check_init_depth). Default: maxDestRdAtomic,
   * as the native adapter sets it. A value above the peer's maxDestRdAtomic is a misconfiguration
   * real RC allows: the responder then evicts resources of requests still outstanding.
   */
  maxRdAtomic: number;
  /** Which NIC's behaviour the simulator follows where devices differ (docs/simulator.md, NIC profiles). */
  nic: NicProfile;
  /** Posting to a QP in ERR: refused at once, or accepted and flushed (both exist). */
  postToErrQp: 'reject' | 'flush';
  /** One-way latency of every link. */
  wireDelayNs: number;
  /** One-way latency of the management network that carries sendControl. */
  controlDelayNs: number;
  /** How long the receiver application takes to react (AppConsume after the word changes). */
  appDelayNs: number;
  /** Words of registered memory per host; an address outside is REM_ACCESS_ERR. */
  memoryWords: number;
  /** Liveness budget: the run ends this long after the last fault or application step. */
  livenessNs: number;
  /**
   * Words of memory per host that belong to its layer, at addresses [memoryWords, memoryWords +
   * layerMemoryWords): its env.memory reaches them, and the peer's layer may RDMA READ or WRITE
   * them with its own WRs (negative ids); the application's WRs may not (REM_ACCESS_ERR). Kept
   * out of every memory snapshot: the trace records only what changed (Execute, MemOp).
   */
  layerMemoryWords: number;
  /**
   * How late each host's CPU polls its CQ: a completion reaches that host's layer this long after
   * the NIC generated it (per host; absent: 0, polled at once).
   */
  pollDelayNs: { A?: number; B?: number };
  /**
   * The device each path's QP lives on (path -> device; a path past the list: its own device).
   * A nic-death takes every path on the device; a qp-error stays on its path.
   */
  pathDevice?: number[];
  /**
   * Whether a layer's env.reset discards the QP's completions not yet polled (a provider that
   * cleans the CQ on RESET, as mlx5 does); false: they are still polled after the reset.
   */
  resetCancelsInFlight: boolean;
  /** Limit on trace events; hitting it ends the run with reason 'event-limit'. */
  maxEvents: number;
  /**
   * The layers' work budget per run, in steps: each callback into a layer and each call it makes
   * on its LayerEnv (idle timer firings the simulator folds are free). Exceeding it ends the run
   * with reason 'work-budget', a finding about the layer (it loops).
   */
  maxLayerSteps: number;
}

/**
 * Settings a generated scenario takes as given instead of drawing them: a stack's own QP attributes
 * (timeout, retry counts), the liveness its timers need, its NIC profile. `paths` (drawn, with
 * faults naming paths), `memoryWords` (the workload's addresses) and `maxEvents` (its own option)
 * are not among them.
 */
export type ScenarioSettings = Partial<Omit<SimConfig, 'paths' | 'memoryWords' | 'maxEvents'>>;

/** The defaults every scenario starts from; a scenario's config overrides any of them. */
export const DEFAULT_CONFIG: Readonly<SimConfig> = {
  paths: 2,
  timeout: 4, // ibTimerNs(4): 65.5 us per retransmission timer
  retryCnt: 2,
  rnrRetry: 2,
  minRnrTimerNs: 10_000,
  maxDestRdAtomic: 4,
  maxRdAtomic: 4, // resolveConfig: the scenario's maxDestRdAtomic unless it sets maxRdAtomic
  nic: 'ibta',
  postToErrQp: 'flush',
  wireDelayNs: 1_000,
  controlDelayNs: 5_000,
  appDelayNs: 200,
  memoryWords: 16,
  livenessNs: 5_000_000,
  maxEvents: 200_000,
  maxLayerSteps: 10_000,
  layerMemoryWords: 0,
  pollDelayNs: {},
  resetCancelsInFlight: true,
};

/** Config keys with no default value (absent means: the rule their doc states). */
export const OPTIONAL_CONFIG_KEYS: readonly (keyof SimConfig)[] = ['pathDevice'];

/** The device of `path` under `config.pathDevice` (default: each path its own device). */
export function deviceOf(config: Pick<SimConfig, 'pathDevice'>, path: number): number {
  return config.pathDevice?.[path] ?? path;
}

/**
 * What an anchored step or fault waits for. `nth` counts matching events from 1 (default 1).
 * - start: the beginning of the run.
 * - post: the application on `host` (default A) posted WR `wr`.
 * - send: a request packet of WR `wr` was put on the wire (any path unless `path`).
 * - execute: the responder executed WR `wr` (any path unless `path`).
 * - deliver: the layer delivered WR `wr`'s completion to the application on `host` (default A).
 * - at: a fixed virtual time `atNs` (use sparingly: it does not survive shrinking well).
 */
export type Anchor =
  | { on: 'start' }
  | { on: 'post' | 'send' | 'execute' | 'deliver'; wr: number; host?: LayerHost; path?: number; nth?: number }
  | { on: 'at'; atNs: number };

/** Every anchor kind (`Anchor['on']`), in the order the docs list them. */
export const ANCHOR_KINDS: readonly Anchor['on'][] = membersOf<Anchor['on']>({
  start: true,
  post: true,
  send: true,
  execute: true,
  deliver: true,
  at: true,
});

const thirdPartyOpList = ['WRITE', 'FETCH_ADD', 'CMP_SWAP'] as const;

/** What the third party C can do to B's memory. */
export type ThirdPartyOp = (typeof thirdPartyOpList)[number];

/** Every third-party operation. */
export const THIRD_PARTY_OPS: readonly ThirdPartyOp[] = thirdPartyOpList;

/** One application action. Steps without `after` happen at time 0, in order. */
export type WorkloadStep =
  /** The application on `host` (default A) posts a send WR through its layer. */
  | { kind: 'post'; host?: LayerHost; wr: SendWr; after?: Anchor }
  /** The application on `host` (default B) posts a RECV through its layer. */
  | { kind: 'recv'; host?: LayerHost; wr: RecvWr; after?: Anchor }
  /**
   * The receiver application (B) waits until word `addr` of its memory holds `expect`, reads it
   * (AppConsume), then writes `value` into the same word (AppReuse): the paper's T2.
   */
  | { kind: 'reuse'; addr: number; expect: number; value: number; after?: Anchor }
  /** A third party C operates on B's memory over its own QP (concurrent writer, ABA). */
  | {
      kind: 'third';
      op: ThirdPartyOp;
      addr: number;
      value?: number;
      add?: number;
      compare?: number;
      swap?: number;
      after?: Anchor;
    };

const linkDirectionList = ['both', 'a-to-b', 'b-to-a'] as const;

/** Which direction of a link: requests travel A->B, responses B->A (for A's requests). */
export type LinkDirection = (typeof linkDirectionList)[number];

/** Every link direction a link-down fault can name. */
export const LINK_DIRECTIONS: readonly LinkDirection[] = linkDirectionList;

/**
 * One fault. Packet faults match the packets of one path (any path unless `path`) and one WR
 * (any unless `wr`) of one requester host (either unless `host`: requests it sends, responses
 * it gets), starting at the `nth` match (default 1), for `count` matches (default 1; 'all' =
 * every later match). Event faults happen when their anchor fires.
 */
export type Fault =
  /** A request is lost on the wire before the responder sees it (PacketLost). */
  | { kind: 'drop-request'; path?: number; wr?: number; host?: LayerHost; nth?: number; count?: number | 'all' }
  /** A response (ACK, READ data, atomic result) is lost after the responder executed (AckLost). */
  | { kind: 'drop-response'; path?: number; wr?: number; host?: LayerHost; nth?: number; count?: number | 'all' }
  /** Packets are delayed by `delayNs` (links stay FIFO: later packets queue behind). */
  | {
      kind: 'delay';
      direction: 'request' | 'response';
      delayNs: number;
      path?: number;
      wr?: number;
      host?: LayerHost;
      nth?: number;
      count?: number | 'all';
    }
  /** A link goes down in one direction or both; up again after `upAfterNs` if given (a flap). */
  | { kind: 'link-down'; path: number; direction: LinkDirection; after: Anchor; upAfterNs?: number }
  /**
   * A NIC dies, or its netdev goes down (`ip link set dev down`, which is how the native adapter
   * injects it): the host's layer gets PORT_ERR and the path carries nothing. Under nic 'rxe' the
   * host's next transmission on that path also fails LOC_QP_OP_ERR and its QP goes to ERR
   * (rxe_net.c: the route lookup fails); under 'ibta' its requests time out.
   */
  | { kind: 'nic-death'; host: 'A' | 'B'; path: number; after: Anchor; reviveAfterNs?: number }
  /** A QP goes to ERR (e.g. the remote one): its queues flush; packets to it are dropped. */
  | { kind: 'qp-error'; host: 'A' | 'B'; path: number; after: Anchor }
  /** The WQE of WR `wr` on `path` is corrupt: local error LOC_QP_OP_ERR, the QP goes to ERR. */
  | { kind: 'corrupt-wqe'; host?: 'A' | 'B'; path: number; wr: number; nth?: number }
  /** The management network (sendControl) is lost; back after `restoreAfterNs` if given. */
  | { kind: 'control-loss'; after: Anchor; restoreAfterNs?: number }
  /**
   * The host's CPU stalls for `durationNs` (a GC pause, a descheduled process: Jepsen's pause):
   * its layer gets no callback (completions, timers, control messages, port events) until it
   * resumes; they queue and arrive in order then. The NIC keeps working; the application too.
   */
  | { kind: 'pause'; host: LayerHost; after: Anchor; durationNs: number };

/** The kind of a fault. */
export type FaultKind = Fault['kind'];

/**
 * Every fault kind, in the order the docs list them. Written as a record so that the compiler
 * refuses a kind missing here or unknown to `Fault`.
 */
export const FAULT_KINDS: readonly FaultKind[] = membersOf<FaultKind>({
  'drop-request': true,
  'drop-response': true,
  delay: true,
  'link-down': true,
  'nic-death': true,
  'qp-error': true,
  'corrupt-wqe': true,
  'control-loss': true,
  pause: true,
});

/** A whole run: config (partial, over DEFAULT_CONFIG), workload and faults. */
export interface Scenario {
  config?: Partial<SimConfig>;
  workload: WorkloadStep[];
  faults: Fault[];
}

/** The scenario's config with defaults filled in (maxRdAtomic defaults to the resolved maxDestRdAtomic). */
export function resolveConfig(scenario: Scenario): SimConfig {
  const config = { ...DEFAULT_CONFIG, ...(scenario.config ?? {}) };
  if (scenario.config?.maxRdAtomic === undefined) config.maxRdAtomic = config.maxDestRdAtomic;
  return config;
}

/**
 * The members of union U, listed once each in the record's order. Called with U explicit, so the
 * compiler refuses a record that misses a member or names one U does not have.
 */
function membersOf<U extends string>(members: Record<U, true>): readonly U[] {
  return Object.keys(members) as U[];
}
