/** Scenario validation: a bad scenario is refused with a message naming the field and the fix. */
import type { Anchor, Fault, Scenario, WorkloadStep } from './scenario';
import {
  ANCHOR_KINDS,
  DEFAULT_CONFIG,
  FAULT_KINDS,
  LINK_DIRECTIONS,
  NIC_PROFILES,
  THIRD_PARTY_OPS,
  OPTIONAL_CONFIG_KEYS,
  resolveConfig,
} from './scenario';
import { OPCODES, isAtomic } from './verbs';

/** A scenario that cannot run; the message names the field and what is expected. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

const INT_RANGES: Record<string, [number, number]> = {
  paths: [1, 16],
  timeout: [0, 31],
  retryCnt: [0, 7],
  rnrRetry: [0, 7],
  maxDestRdAtomic: [0, 64],
  maxRdAtomic: [0, 64],
  memoryWords: [1, 1 << 20],
  minRnrTimerNs: [0, Number.MAX_SAFE_INTEGER],
  wireDelayNs: [0, Number.MAX_SAFE_INTEGER],
  controlDelayNs: [0, Number.MAX_SAFE_INTEGER],
  appDelayNs: [0, Number.MAX_SAFE_INTEGER],
  livenessNs: [1, Number.MAX_SAFE_INTEGER],
  maxEvents: [10, Number.MAX_SAFE_INTEGER],
  maxLayerSteps: [1, Number.MAX_SAFE_INTEGER],
  layerMemoryWords: [0, 1 << 20],
};

/** The config keys a scenario may set (computed once: validation runs before every run). */
const KNOWN_CONFIG_KEYS: readonly string[] = [...Object.keys(DEFAULT_CONFIG), ...OPTIONAL_CONFIG_KEYS];
const KNOWN_CONFIG_KEY_SET: ReadonlySet<string> = new Set(KNOWN_CONFIG_KEYS);
const INT_RANGE_ENTRIES = Object.entries(INT_RANGES);

/** Scenario objects already found valid (a checker runs one scenario several times: twins, replays). */
const validated = new WeakSet<Scenario>();

/** Throws ScenarioError when the scenario is malformed. */
export function validateScenario(s: Scenario): void {
  if (typeof s === 'object' && s !== null && validated.has(s)) return;
  checkScenario(s);
  validated.add(s);
}

function checkScenario(s: Scenario): void {
  const fail = (where: string, what: string): never => {
    throw new ScenarioError(`scenario.${where}: ${what}`);
  };
  if (!s || typeof s !== 'object') fail('', 'a scenario must be an object with workload and faults');
  if (!Array.isArray(s.workload)) fail('workload', 'must be a list of steps');
  if (!Array.isArray(s.faults)) fail('faults', 'must be a list (use [] for none)');
  const config = resolveConfig(s);
  for (const key of Object.keys(s.config ?? {})) {
    if (!KNOWN_CONFIG_KEY_SET.has(key))
      fail(`config.${key}`, `unknown setting (known: ${KNOWN_CONFIG_KEYS.join(', ')})`);
  }
  checkHostTiming(config.pollDelayNs, fail);
  if (config.pathDevice !== undefined) {
    if (!Array.isArray(config.pathDevice)) fail('config.pathDevice', 'must be a list of device indices, one per path');
    config.pathDevice.forEach((d, p) => {
      if (!Number.isInteger(d) || d < 0)
        fail(`config.pathDevice[${p}]`, `must be a device index >= 0 (got ${String(d)})`);
    });
  }
  if (typeof config.resetCancelsInFlight !== 'boolean') fail('config.resetCancelsInFlight', 'must be true or false');
  for (const [key, [lo, hi]] of INT_RANGE_ENTRIES) {
    const v = (config as unknown as Record<string, unknown>)[key];
    if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi)
      fail(`config.${key}`, `must be an integer in ${lo}..${hi} (got ${String(v)})`);
  }
  if (config.postToErrQp !== 'reject' && config.postToErrQp !== 'flush')
    fail('config.postToErrQp', `must be 'reject' or 'flush'`);
  if (!NIC_PROFILES.includes(config.nic))
    fail('config.nic', `must be one of ${NIC_PROFILES.map((n) => `'${n}'`).join(', ')} (got ${String(config.nic)})`);
  const paths = config.paths;
  const ids = { A: new Set<number>(), B: new Set<number>() };
  const recvIds = { A: new Set<number>(), B: new Set<number>() };
  s.workload.forEach((step: WorkloadStep, k) => {
    const at = `workload[${k}]`;
    if (step.after) checkAnchor(step.after, `${at}.after`, paths, fail);
    switch (step?.kind) {
      case 'post': {
        const host = step.host ?? 'A';
        if (host !== 'A' && host !== 'B') fail(`${at}.host`, `must be A or B`);
        const wr = step.wr;
        if (!wr || !Number.isInteger(wr.id) || wr.id <= 0)
          fail(`${at}.wr.id`, 'application WR ids are positive integers');
        if (ids[host].has(wr.id))
          fail(`${at}.wr.id`, `WR ${wr.id} is posted twice on host ${host}; ids must be unique`);
        ids[host].add(wr.id);
        if (!OPCODES.includes(wr.opcode))
          fail(`${at}.wr.opcode`, `"${String(wr.opcode)}" is not an opcode (${OPCODES.join(', ')})`);
        if (wr.opcode !== 'SEND' && wr.opcode !== 'WRITE_WITH_IMM' && typeof wr.addr !== 'number')
          fail(`${at}.wr.addr`, `${wr.opcode} needs an address`);
        // A fractional word address is how a scenario names a misaligned one (see misalignedTransfer).
        if (typeof wr.addr === 'number' && !Number.isInteger(wr.addr) && !isAtomic(wr.opcode))
          fail(`${at}.wr.addr`, misalignedTransfer(wr.opcode, wr.addr));
        for (const f of ['value', 'add', 'compare', 'swap', 'imm'] as const) {
          if (wr[f] !== undefined && !Number.isSafeInteger(wr[f])) fail(`${at}.wr.${f}`, 'must be a safe integer');
        }
        return;
      }
      case 'recv': {
        const host = step.host ?? 'B';
        if (host !== 'A' && host !== 'B') fail(`${at}.host`, `must be A or B`);
        if (!step.wr || !Number.isInteger(step.wr.id) || step.wr.id <= 0)
          fail(`${at}.wr.id`, 'application RECV ids are positive integers');
        if (recvIds[host].has(step.wr.id)) fail(`${at}.wr.id`, `RECV ${step.wr.id} is posted twice on host ${host}`);
        recvIds[host].add(step.wr.id);
        return;
      }
      case 'reuse':
        checkAddr(step.addr, `${at}.addr`, config.memoryWords, fail);
        if (!Number.isSafeInteger(step.expect) || !Number.isSafeInteger(step.value))
          fail(at, 'expect and value must be safe integers');
        return;
      case 'third':
        if (!THIRD_PARTY_OPS.includes(step.op)) fail(`${at}.op`, `must be one of ${THIRD_PARTY_OPS.join(', ')}`);
        checkAddr(step.addr, `${at}.addr`, config.memoryWords, fail);
        return;
      default:
        fail(`${at}.kind`, `"${String((step as { kind?: unknown })?.kind)}" is not a step (post, recv, reuse, third)`);
    }
  });
  s.faults.forEach((f: Fault, k) => {
    const at = `faults[${k}]`;
    const path = (f as { path?: number }).path;
    if (path !== undefined && (!Number.isInteger(path) || path < 0 || path >= paths))
      fail(`${at}.path`, `path ${path} does not exist (paths are 0..${paths - 1})`);
    switch (f?.kind) {
      case 'drop-request':
      case 'drop-response':
      case 'delay':
        if (f.nth !== undefined && (!Number.isInteger(f.nth) || f.nth < 1)) fail(`${at}.nth`, 'counts from 1');
        if (f.host !== undefined && f.host !== 'A' && f.host !== 'B') fail(`${at}.host`, "must be 'A' or 'B'");
        if (f.count !== undefined && f.count !== 'all' && (!Number.isInteger(f.count) || f.count < 1))
          fail(`${at}.count`, "must be a positive integer or 'all'");
        if (f.kind === 'delay') {
          if (f.direction !== 'request' && f.direction !== 'response')
            fail(`${at}.direction`, "must be 'request' or 'response'");
          if (!Number.isInteger(f.delayNs) || f.delayNs < 0) fail(`${at}.delayNs`, 'must be a non-negative integer');
        }
        return;
      case 'link-down':
        if (!LINK_DIRECTIONS.includes(f.direction))
          fail(`${at}.direction`, `must be one of ${LINK_DIRECTIONS.join(', ')}`);
        if (path === undefined) fail(`${at}.path`, 'is required');
        return checkAnchor(f.after, `${at}.after`, paths, fail);
      case 'nic-death':
      case 'qp-error':
        if (f.host !== 'A' && f.host !== 'B') fail(`${at}.host`, 'must be A or B');
        if (path === undefined) fail(`${at}.path`, 'is required');
        return checkAnchor(f.after, `${at}.after`, paths, fail);
      case 'corrupt-wqe':
        if (path === undefined || !Number.isInteger(f.wr)) fail(at, 'needs path and wr');
        return;
      case 'control-loss':
        return checkAnchor(f.after, `${at}.after`, paths, fail);
      case 'pause':
        if (f.host !== 'A' && f.host !== 'B') fail(`${at}.host`, 'must be A or B');
        if (!Number.isInteger(f.durationNs) || f.durationNs <= 0)
          fail(`${at}.durationNs`, 'must be a positive integer of nanoseconds');
        return checkAnchor(f.after, `${at}.after`, paths, fail);
      default:
        fail(
          `${at}.kind`,
          `"${String((f as { kind?: unknown })?.kind)}" is not a fault kind (${FAULT_KINDS.join(', ')})`,
        );
    }
  });
}

/** config.pollDelayNs: an object of per-host non-negative integer delays. */
function checkHostTiming(value: unknown, fail: (w: string, m: string) => never): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail('config.pollDelayNs', 'must be an object of per-host delays, e.g. { B: 20000 }');
  for (const [host, ns] of Object.entries(value as object)) {
    if (host !== 'A' && host !== 'B') fail(`config.pollDelayNs.${host}`, 'hosts are A and B');
    if (!Number.isSafeInteger(ns) || (ns as number) < 0)
      fail(`config.pollDelayNs.${host}`, `must be a non-negative integer of nanoseconds (got ${String(ns)})`);
  }
}

/**
 * Why a READ or WRITE at a fractional (misaligned) address cannot be simulated. IBTA requires
 * alignment of atomics only, so such a transfer is legal RC, but it straddles two 8-byte words, a
 * partial-word effect the word-addressed memory cannot represent (and a trace file cannot carry).
 */
export function misalignedTransfer(opcode: string, addr: number): string {
  return (
    `${opcode} at address ${addr} straddles two words, which the word-addressed memory cannot represent; ` +
    'use a whole word address (only atomics may be misaligned: the responder answers them REM_INV_REQ_ERR)'
  );
}

function checkAddr(addr: unknown, where: string, words: number, fail: (w: string, m: string) => never): void {
  if (!Number.isInteger(addr) || (addr as number) < 0 || (addr as number) >= words)
    fail(where, `must be a word address in 0..${words - 1}`);
}

function checkAnchor(a: Anchor, where: string, paths: number, fail: (w: string, m: string) => never): void {
  if (!a || typeof a !== 'object') return fail(where, `an anchor is { on: ${ANCHOR_KINDS.join(' | ')}, ... }`);
  switch (a.on) {
    case 'start':
      return;
    case 'at':
      if (!Number.isInteger(a.atNs) || a.atNs < 0) fail(`${where}.atNs`, 'must be a non-negative integer');
      return;
    case 'post':
    case 'send':
    case 'execute':
    case 'deliver':
      if (!Number.isInteger(a.wr)) fail(`${where}.wr`, 'names the WR id the anchor waits for');
      if (a.path !== undefined && (!Number.isInteger(a.path) || a.path < 0 || a.path >= paths))
        fail(`${where}.path`, `path ${a.path} does not exist`);
      if (a.nth !== undefined && (!Number.isInteger(a.nth) || a.nth < 1)) fail(`${where}.nth`, 'counts from 1');
      return;
    default:
      fail(`${where}.on`, `"${String((a as { on?: unknown }).on)}" is not an anchor (${ANCHOR_KINDS.join(', ')})`);
  }
}
