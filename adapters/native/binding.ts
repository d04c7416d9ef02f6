/**
 * The compiled libibverbs addon: its TypeScript surface, how it is found and loaded, and why it
 * may be unavailable. The binding is loaded lazily and never replaced by anything else: when it
 * cannot be used, `availability()` says why (no headers at build time, not built, libibverbs not
 * loadable, no RDMA device).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { QpState } from '../../src/core/verbs';

/** Access flags of an MR or a QP. */
export type AccessFlag = 'LOCAL_WRITE' | 'REMOTE_WRITE' | 'REMOTE_READ' | 'REMOTE_ATOMIC';

/** A local scatter/gather entry: `length` bytes at `offset` of a registered region. */
export interface LocalSge {
  mr: VerbsMr;
  offset?: number;
  length: number;
}

/** One send work request as the addon takes it (wrId: a safe integer or a BigInt). */
export interface VerbsSendWr {
  wrId: number | bigint;
  opcode: 'WRITE' | 'WRITE_WITH_IMM' | 'READ' | 'SEND' | 'SEND_WITH_IMM' | 'CMP_SWAP' | 'FETCH_ADD';
  local?: LocalSge;
  remoteAddr?: number | bigint;
  rkey?: number;
  compareAdd?: number | bigint;
  swap?: number | bigint;
  imm?: number;
  signaled?: boolean;
  fence?: boolean;
  inline?: boolean;
}

/** One receive work request. */
export interface VerbsRecvWr {
  wrId: number | bigint;
  local?: LocalSge;
}

/** A polled work completion. `opcode` is present only on SUCCESS (as ibv_poll_cq defines it). */
export interface VerbsWc {
  wrId: number;
  status: string;
  opcode?: 'SEND' | 'RDMA_WRITE' | 'RDMA_READ' | 'COMP_SWAP' | 'FETCH_ADD' | 'RECV' | 'RECV_RDMA_WITH_IMM' | 'OTHER';
  byteLen: number;
  qpNum: number;
  vendorErr: number;
  imm?: number;
}

/** QP states, as ibv_qp_state names them. */
export type VerbsQpState = QpState;

/** Attributes of one ibv_modify_qp; the mask is exactly the keys given. */
export interface QpModifyAttrs {
  state: VerbsQpState;
  pkeyIndex?: number;
  portNum?: number;
  access?: AccessFlag[];
  pathMtu?: 256 | 512 | 1024 | 2048 | 4096;
  destQpNum?: number;
  rqPsn?: number;
  maxDestRdAtomic?: number;
  minRnrTimer?: number;
  ah?: { dgid?: string; sgidIndex?: number; portNum?: number; hopLimit?: number };
  timeout?: number;
  retryCnt?: number;
  rnrRetry?: number;
  sqPsn?: number;
  maxRdAtomic?: number;
}

/** An RC queue pair. */
export interface VerbsQp {
  readonly qpNum: number;
  modify(attrs: QpModifyAttrs): void;
  query(): {
    state: VerbsQpState;
    sqPsn: number;
    rqPsn: number;
    destQpNum: number;
    timeout: number;
    retryCnt: number;
    rnrRetry: number;
    minRnrTimer: number;
    maxRdAtomic: number;
    maxDestRdAtomic: number;
    pathMtu: number;
  };
  postSend(wrs: VerbsSendWr[]): void;
  postRecv(wrs: VerbsRecvWr[]): void;
  close(): void;
}

/** A registered memory region over a JavaScript buffer. */
export interface VerbsMr {
  readonly lkey: number;
  readonly rkey: number;
  readonly addr: bigint;
  readonly length: number;
  readonly buffer: ArrayBuffer | ArrayBufferView;
  close(): void;
}

/** A completion queue. */
export interface VerbsCq {
  poll(max?: number): VerbsWc[];
  close(): void;
}

/** A protection domain. */
export interface VerbsPd {
  regMr(buffer: ArrayBuffer | ArrayBufferView, access: AccessFlag[]): VerbsMr;
  createQp(options: {
    sendCq: VerbsCq;
    recvCq: VerbsCq;
    maxSendWr: number;
    maxRecvWr: number;
    maxSendSge?: number;
    maxRecvSge?: number;
    maxInlineData?: number;
    sqSigAll?: boolean;
  }): VerbsQp;
  close(): void;
}

/** A port's attributes. */
export interface VerbsPortAttr {
  state: 'NOP' | 'DOWN' | 'INIT' | 'ARMED' | 'ACTIVE' | 'ACTIVE_DEFER' | 'UNKNOWN';
  maxMtu: number;
  activeMtu: number;
  gidTblLen: number;
  linkLayer: 'ETHERNET' | 'INFINIBAND' | 'UNSPECIFIED';
  lid: number;
}

/** An async event (ibv_get_async_event), already acknowledged. */
export interface VerbsAsyncEvent {
  type: string;
  port?: number;
  qpNum?: number;
}

/** An opened device. */
export interface VerbsContext {
  readonly name: string;
  readonly closed: boolean;
  queryPort(port: number): VerbsPortAttr;
  /** The GID as 32 hex digits. */
  queryGid(port: number, index: number): string;
  /** Pending async events, without blocking. */
  asyncEvents(): VerbsAsyncEvent[];
  allocPd(): VerbsPd;
  createCq(cqe: number): VerbsCq;
  close(): void;
}

/** The addon's exports. */
export interface VerbsAddon {
  getDevices(): { name: string; guid: string; transport: string }[];
  openDevice(name: string): VerbsContext;
  abiVersion: number;
}

/** A verbs error as the addon throws it. */
export interface VerbsError extends Error {
  verb: string;
  errno: number;
  code: string;
}

/** Whether the native backend can run here, and if not, why. */
export type Availability = { ok: true; devices: string[]; addonPath: string } | { ok: false; reason: string };

const ADDON_FILE = path.join('build', 'Release', 'rdmacheck_verbs.node');

/** The adapters/native folder of the package, from this file's location (source or dist). */
export function nativeDir(): string {
  // Running from source: this file is adapters/native/binding.ts. From dist: dist/adapters/native.
  let dir = __dirname;
  for (let k = 0; k < 5; k++) {
    const candidate = path.join(dir, 'adapters', 'native');
    if (fs.existsSync(path.join(candidate, 'binding.gyp'))) return candidate;
    if (fs.existsSync(path.join(dir, 'binding.gyp'))) return dir;
    dir = path.dirname(dir);
  }
  return __dirname;
}

/** Where the compiled addon is looked for (RDMACHECK_NATIVE_ADDON overrides). */
export function addonPath(): string {
  return process.env.RDMACHECK_NATIVE_ADDON ?? path.join(nativeDir(), ADDON_FILE);
}

let cached: { addon?: VerbsAddon; reason?: string } | undefined;

/** Loads the addon, or returns why it cannot be loaded. Cached per process. */
export function loadAddon(): { addon?: VerbsAddon; reason?: string } {
  if (cached) return cached;
  const file = addonPath();
  if (!fs.existsSync(file)) {
    cached = { reason: `addon not built (${file} is missing): ${buildStatusReason()}` };
    return cached;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the addon is optional: loaded only if it was built
    cached = { addon: require(file) as VerbsAddon };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    cached = {
      reason: /libibverbs/.test(msg)
        ? `libibverbs.so not loadable (${msg.split('\n')[0]}); install ibverbs-providers / rdma-core`
        : `addon failed to load: ${msg.split('\n')[0]}`,
    };
  }
  return cached;
}

/** The reason recorded by scripts/build-native.js, if it ran. */
function buildStatusReason(): string {
  try {
    const status = JSON.parse(fs.readFileSync(path.join(nativeDir(), 'build', 'rdmacheck-build.json'), 'utf8')) as {
      ok: boolean;
      reason: string;
    };
    return status.ok ? 'the build reported success but left no binary; run npm run build:native' : status.reason;
  } catch {
    return 'the build never ran here; run npm run build:native (needs libibverbs-dev)';
  }
}

/** The addon, or an Error naming why it is unavailable (for APIs that cannot go on without it). */
export function requireAddon(api: string): VerbsAddon {
  const r = loadAddon();
  if (!r.addon) throw new Error(`${api}: the native ibverbs backend is unavailable: ${r.reason}`);
  return r.addon;
}

/**
 * Can the native backend run here? Checks, in order: the addon was built, it loads (libibverbs),
 * the kernel lists at least one RDMA device, and each device in `devices` (if given) exists.
 */
export function availability(options: { devices?: string[] } = {}): Availability {
  const r = loadAddon();
  if (!r.addon) return { ok: false, reason: r.reason! };
  let devices: string[];
  try {
    devices = r.addon.getDevices().map((d) => d.name);
  } catch (err) {
    const e = err as Partial<VerbsError>;
    const why = e.code === 'ENOSYS' ? 'the kernel has no RDMA support (no ib_uverbs)' : 'cannot list RDMA devices';
    return { ok: false, reason: `no RDMA device: ${why} (${e.message ?? String(err)})` };
  }
  if (devices.length === 0) {
    return {
      ok: false,
      reason:
        'no RDMA device: ibv_get_device_list found none (add one, e.g. `rdma link add rxe0 type rxe netdev eth0`)',
    };
  }
  const missing = (options.devices ?? []).filter((d) => !devices.includes(d));
  if (missing.length > 0)
    return { ok: false, reason: `no RDMA device named ${missing.join(', ')} (found ${devices.join(', ')})` };
  return { ok: true, devices, addonPath: addonPath() };
}

/** For tests: forget the cached load result (e.g. after RDMACHECK_NATIVE_ADDON changes). */
export function resetAddonCache(): void {
  cached = undefined;
}
