/**
 * The canonical bounded scenario space of exhaustive verification (docs/verify.md defines it and
 * gives its size formula): the workloads up to maxOps posts, reduced by symmetry (addresses as a
 * restricted-growth string, values fresh), and the faults anchored to each application WR's
 * events. enumerate() walks it smallest first; spaceSize() counts it by the formula, without
 * enumerating, and a test holds the two to each other.
 */
import type { Anchor, Fault, Scenario, WorkloadStep } from '../../core/scenario';
import type { Opcode, SendWr } from '../../core/verbs';

/** The bounds of a space. */
export interface SpaceBounds {
  /** Most application posts (1 and up). */
  maxOps: number;
  /** Most faults per scenario (0 and up). */
  maxFaults: number;
  /** Op classes the posts draw from. */
  opcodes: readonly Opcode[];
  /** Include the receiver's one consume-and-reuse step (default true). */
  reuse?: boolean;
  /** Include the one third-party operation: undo or mimic of a post (default true). */
  thirdParty?: boolean;
}

/** Paths of every scenario of the space: a primary and a backup. */
export const VERIFY_PATHS = 2;
/** How long a `delay` fault holds a packet: past the retransmission timer (ibTimerNs(4) = 65.5 us). */
export const VERIFY_DELAY_NS = 100_000;
/** The anchors of each application WR (plus one `start` anchor per scenario). */
const WR_ANCHORS = ['post', 'send', 'execute', 'deliver'] as const;
/** The faults placed at each anchor, for path p in 0..VERIFY_PATHS-1 where a path is named. */
const EVENT_FAULTS_PER_ANCHOR = 5 * VERIFY_PATHS + 1;
/** The packet faults of each (WR, path): drop request, drop response, delay each way, corrupt WQE. */
const PACKET_FAULTS_PER_WR_PATH = 5;

const ADDRESSED: ReadonlySet<Opcode> = new Set(['WRITE', 'WRITE_WITH_IMM', 'READ', 'FETCH_ADD', 'CMP_SWAP']);
const WRITES: ReadonlySet<Opcode> = new Set(['WRITE', 'WRITE_WITH_IMM']);
const MODIFIES: ReadonlySet<Opcode> = new Set(['WRITE', 'WRITE_WITH_IMM', 'FETCH_ADD', 'CMP_SWAP']);

/** Fault candidates of a workload of k posts: 11 at start and at each of the 4k WR anchors, 10 per WR. */
export function faultCandidates(k: number): number {
  return EVENT_FAULTS_PER_ANCHOR * (1 + WR_ANCHORS.length * k) + PACKET_FAULTS_PER_WR_PATH * VERIFY_PATHS * k;
}

/** The size of the space by the formula of docs/verify.md (no enumeration). */
export function spaceSize(b: SpaceBounds): number {
  let total = 0;
  for (let k = 1; k <= b.maxOps; k++) {
    let faultSets = 0;
    for (let j = 0; j <= b.maxFaults; j++) faultSets += binomial(faultCandidates(k), j);
    total += workloadsOfSize(b, k) * faultSets;
  }
  return total;
}

/** Workloads of exactly k posts: over opcode sequences, Bell(m) 2^k 2^(k-1) 2^c (1+w) (1+2d). */
export function workloadsOfSize(b: SpaceBounds, k: number): number {
  let n = 0;
  for (const seq of sequences(b.opcodes, k)) {
    const m = seq.filter((op) => ADDRESSED.has(op)).length;
    const c = seq.filter((op) => op === 'CMP_SWAP').length;
    const w = b.reuse === false ? 0 : seq.filter((op) => WRITES.has(op)).length;
    const d = b.thirdParty === false ? 0 : seq.filter((op) => MODIFIES.has(op)).length;
    n += bell(m) * 2 ** k * 2 ** (k - 1) * 2 ** c * (1 + w) * (1 + 2 * d);
  }
  return n;
}

/** One scenario of the space with its place in the walk. */
export interface SpacePoint {
  /** 0-based position in the walk (smallest first). */
  index: number;
  ops: number;
  faults: number;
  scenario: Scenario;
}

/**
 * Every scenario of the space, smallest first: by number of posts, then number of faults, then
 * workload, then fault set. The first violation met is therefore minimal in (posts, faults).
 */
export function* enumerate(b: SpaceBounds): Generator<SpacePoint> {
  let index = 0;
  for (let k = 1; k <= b.maxOps; k++) {
    const candidates = faultList(k);
    for (let j = 0; j <= b.maxFaults; j++) {
      for (const workload of workloads(b, k)) {
        for (const set of combinations(candidates.length, j)) {
          const faults = set.map((x) => candidates[x]);
          yield { index: index++, ops: k, faults: j, scenario: { config: { paths: VERIFY_PATHS }, workload, faults } };
        }
      }
    }
  }
}

/** The workloads of exactly k posts, in a fixed order. */
export function* workloads(b: SpaceBounds, k: number): Generator<WorkloadStep[]> {
  for (const seq of sequences(b.opcodes, k)) {
    const m = seq.filter((op) => ADDRESSED.has(op)).length;
    for (const addrs of restrictedGrowth(m))
      for (const unsignaled of bits(k))
        for (const after of bits(k - 1))
          for (const compares of bits(seq.filter((op) => op === 'CMP_SWAP').length)) {
            const wrs = makeWrs(seq, addrs, compares).map((wr, x) => (unsignaled[x] ? { ...wr, signaled: false } : wr));
            const posts: WorkloadStep[] = wrs.map((wr, x) =>
              x > 0 && after[x - 1] ? { kind: 'post', wr, after: { on: 'deliver', wr: x } } : { kind: 'post', wr },
            );
            const messages = seq.filter((op) => op === 'SEND' || op === 'WRITE_WITH_IMM').length;
            const recvs: WorkloadStep[] =
              messages === 0
                ? []
                : Array.from({ length: messages + 1 }, (_, x) => ({ kind: 'recv', wr: { id: x + 1 } }));
            for (const reuse of reuseSteps(b, wrs))
              for (const third of thirdSteps(b, wrs)) yield [...recvs, ...posts, ...reuse, ...third];
          }
  }
}

/** The posts' WRs: addresses from the restricted-growth string, values fresh per post. */
function makeWrs(seq: Opcode[], addrs: number[], compares: boolean[]): SendWr[] {
  let a = 0;
  let c = 0;
  return seq.map((opcode, x) => {
    const id = x + 1;
    const addr = ADDRESSED.has(opcode) ? addrs[a++] : 0;
    switch (opcode) {
      case 'WRITE':
        return { id, opcode, addr, value: 10 + id };
      case 'WRITE_WITH_IMM':
        return { id, opcode, addr, value: 10 + id, imm: id };
      case 'READ':
        return { id, opcode, addr };
      case 'FETCH_ADD':
        return { id, opcode, addr, add: 1 };
      case 'CMP_SWAP':
        return { id, opcode, addr, compare: compares[c++] ? 1 : 0, swap: 20 + id };
      case 'SEND':
        return { id, opcode, value: 100 + id };
    }
  });
}

/** No reuse, or the receiver waits for one WRITE's value, consumes it and reuses the word. */
function reuseSteps(b: SpaceBounds, wrs: SendWr[]): WorkloadStep[][] {
  const out: WorkloadStep[][] = [[]];
  if (b.reuse === false) return out;
  for (const wr of wrs)
    if (WRITES.has(wr.opcode)) out.push([{ kind: 'reuse', addr: wr.addr!, expect: wr.value!, value: 50 }]);
  return out;
}

/** No third party, or it undoes one post right after it executes, or mimics it as it is sent. */
function thirdSteps(b: SpaceBounds, wrs: SendWr[]): WorkloadStep[][] {
  const out: WorkloadStep[][] = [[]];
  if (b.thirdParty === false) return out;
  for (const wr of wrs) {
    if (!MODIFIES.has(wr.opcode)) continue;
    const addr = wr.addr!;
    const exec: Anchor = { on: 'execute', wr: wr.id };
    const sent: Anchor = { on: 'send', wr: wr.id };
    if (wr.opcode === 'CMP_SWAP') {
      out.push([{ kind: 'third', op: 'CMP_SWAP', addr, compare: wr.swap, swap: wr.compare, after: exec }]);
      out.push([{ kind: 'third', op: 'CMP_SWAP', addr, compare: wr.compare, swap: wr.swap, after: sent }]);
    } else if (wr.opcode === 'FETCH_ADD') {
      out.push([{ kind: 'third', op: 'FETCH_ADD', addr, add: -wr.add!, after: exec }]);
      out.push([{ kind: 'third', op: 'FETCH_ADD', addr, add: wr.add, after: sent }]);
    } else {
      out.push([{ kind: 'third', op: 'WRITE', addr, value: 0, after: exec }]);
      out.push([{ kind: 'third', op: 'WRITE', addr, value: wr.value, after: sent }]);
    }
  }
  return out;
}

/** The fault candidates of a workload of k posts, in a fixed order (their count is faultCandidates(k)). */
export function faultList(k: number): Fault[] {
  const anchors: Anchor[] = [{ on: 'start' }];
  for (let wr = 1; wr <= k; wr++) for (const on of WR_ANCHORS) anchors.push({ on, wr });
  const out: Fault[] = [];
  for (const after of anchors) {
    for (let path = 0; path < VERIFY_PATHS; path++) {
      out.push({ kind: 'link-down', path, direction: 'both', after });
      out.push({ kind: 'nic-death', host: 'A', path, after });
      out.push({ kind: 'nic-death', host: 'B', path, after });
      out.push({ kind: 'qp-error', host: 'A', path, after });
      out.push({ kind: 'qp-error', host: 'B', path, after });
    }
    out.push({ kind: 'control-loss', after });
  }
  for (let wr = 1; wr <= k; wr++)
    for (let path = 0; path < VERIFY_PATHS; path++) {
      out.push({ kind: 'drop-request', path, wr });
      out.push({ kind: 'drop-response', path, wr });
      out.push({ kind: 'delay', direction: 'request', delayNs: VERIFY_DELAY_NS, path, wr });
      out.push({ kind: 'delay', direction: 'response', delayNs: VERIFY_DELAY_NS, path, wr });
      out.push({ kind: 'corrupt-wqe', path, wr });
    }
  return out;
}

/** Every sequence of length k over `alphabet`, in lexicographic order. */
function* sequences<T>(alphabet: readonly T[], k: number): Generator<T[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (const head of sequences(alphabet, k - 1)) for (const x of alphabet) yield [...head, x];
}

/** Restricted-growth strings of length m: a[0] = 0, a[i] <= max(a[0..i-1]) + 1 (Bell(m) of them). */
function* restrictedGrowth(m: number, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === m) {
    yield prefix;
    return;
  }
  const top = prefix.length === 0 ? 0 : Math.max(...prefix) + 1;
  for (let v = 0; v <= top; v++) yield* restrictedGrowth(m, [...prefix, v]);
}

/** Every boolean vector of length n. */
function* bits(n: number): Generator<boolean[]> {
  for (let x = 0; x < 2 ** n; x++) yield Array.from({ length: n }, (_, i) => ((x >> i) & 1) === 1);
}

/** Every j-subset of 0..n-1 as increasing index lists, in lexicographic order. */
function* combinations(n: number, j: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === j) {
    yield prefix;
    return;
  }
  for (let x = start; x < n; x++) yield* combinations(n, j, x + 1, [...prefix, x]);
}

/** n choose j. */
function binomial(n: number, j: number): number {
  let r = 1;
  for (let x = 1; x <= j; x++) r = (r * (n - j + x)) / x;
  return Math.round(r);
}

/** Bell numbers: the partitions of an m-set (B0..: 1, 1, 2, 5, 15, 52). */
function bell(m: number): number {
  let row = [1];
  for (let x = 0; x < m; x++) {
    const next = [row[row.length - 1]];
    for (const v of row) next.push(next[next.length - 1] + v);
    row = next;
  }
  return row[0];
}
