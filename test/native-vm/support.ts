/**
 * Shared by the suite that runs inside the Soft-RoCE guests (scripts/vm/guest-native.sh): the
 * availability gate (tests skip visibly with the reason elsewhere), the adapter aimed at the agent
 * on guest B, and per-scenario timings (printed and collected for scripts/ci-native.sh).
 */
import * as fs from 'fs';
import { native } from '../../adapters/native';
import type { Adapter } from '../../src/core/execution';
import type { Execution } from '../../src/core/execution';
import type { TraceEvent } from '../../src/core/trace';

/** The devices the guests have: rxe0 on wire 1 (eth0), rxe1 on wire 2 (eth1). */
export const PATHS = [
  { device: 'rxe0', netdev: 'eth0' },
  { device: 'rxe1', netdev: 'eth1' },
];

const avail = native.available({ devices: PATHS.map((p) => p.device) });
const agentSpec = process.env.RDMACHECK_AGENT;

/** Why this suite cannot run here, or undefined when it can. */
export const skipReason: string | undefined = !avail.ok
  ? avail.reason
  : !agentSpec
    ? 'RDMACHECK_AGENT (host:port of a running agent) is not set'
    : undefined;

/** describe, or describe.skip with the reason in its title (visible in the report). */
export function describeNative(name: string, fn: () => void, needsAgent = true): void {
  const why = needsAgent ? skipReason : avail.ok ? undefined : avail.reason;
  if (why) {
    console.warn(`test/native-vm: "${name}" skipped: ${why}`);
    describe.skip(`${name} [skipped: ${why}]`, fn);
  } else describe(name, fn);
}

/** The native adapter aimed at the agent: rxe retry_cnt 6 unless the scenario says less, 16.7 ms ACK timeout. */
export function adapter(overrides: { retryCnt?: number; timeout?: number } = {}): Adapter {
  const [host, port] = (agentSpec ?? '127.0.0.1:18600').split(':');
  return native({
    agent: { host, port: Number(port) },
    paths: PATHS,
    timeout: overrides.timeout ?? 12,
    livenessMs: 8000,
    ...(overrides.retryCnt !== undefined ? { retryCnt: overrides.retryCnt } : {}),
  });
}

/** The same adapter, with modules the agent may load the layer from (a test's own layer). */
export function adapterWithLayers(layerModules: string[]): Adapter {
  const [host, port] = (agentSpec ?? '127.0.0.1:18600').split(':');
  return native({ agent: { host, port: Number(port) }, paths: PATHS, timeout: 12, livenessMs: 8000, layerModules });
}

const TIMINGS_FILE = '/tmp/rdmacheck-native-timings.txt';

/** Runs one scenario and records how long it took on real verbs. */
export async function timed<T>(scenario: string, fn: () => Promise<T>): Promise<T> {
  const t0 = process.hrtime.bigint();
  try {
    return await fn();
  } finally {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const line = `scenario ${scenario}: ${ms.toFixed(0)} ms`;
    console.log(line);
    fs.appendFileSync(TIMINGS_FILE, line + '\n');
  }
}

/** The events of one kind, typed. */
export function of<K extends TraceEvent['kind']>(ex: Execution, kind: K): Extract<TraceEvent, { kind: K }>[] {
  return ex.trace.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

/** A compact trace for failure messages. */
export function brief(ex: Execution): string {
  return ex.trace
    .map((e) => {
      const { i, t, kind, ...rest } = e;
      return `${i} ${(t / 1e6).toFixed(2)}ms ${kind} ${JSON.stringify(rest)}`;
    })
    .join('\n');
}
