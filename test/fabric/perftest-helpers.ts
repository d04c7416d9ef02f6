/** Runs Debian's unmodified perftest programs as server (host A) and client (host B) on the fabric. */
import { runFabric } from '../../adapters/fabric';
import type { FabricRun } from '../../adapters/fabric';
import type { Fault, SimConfig } from '../../src/core/scenario';
import type { Opcode } from '../../src/core/verbs';
import { freePort } from './helpers';

/** The perftest programs the issue names, with the opcode each one posts and its report's title. */
export const PERFTEST_PROGRAMS: { command: string; op: Opcode; title: RegExp }[] = [
  { command: 'ib_send_lat', op: 'SEND', title: /Send Latency Test/ },
  { command: 'ib_write_lat', op: 'WRITE', title: /RDMA_Write Latency Test/ },
  { command: 'ib_read_lat', op: 'READ', title: /RDMA_Read Latency Test/ },
  { command: 'ib_atomic_lat', op: 'FETCH_ADD', title: /Atomic FETCH_AND_ADD Latency Test/ },
  { command: 'ib_write_bw', op: 'WRITE', title: /RDMA_Write BW Test/ },
];

/** What perftest prints on stderr when a device is not one it knows (the fabric is none of them). */
export const UNKNOWN_DEVICE_NOTE = 'Device not recognized to implement inline feature. Disabling it';

/**
 * `command` as server and client over loopback TCP (its own -p port, no RDMA CM), `iterations`
 * of the default message size; `oldPostApi` adds --use_old_post_send (ibv_post_send) instead of
 * the ibv_wr_* API.
 */
export function perftest(
  command: string,
  iterations: number,
  options: {
    oldPostApi?: boolean;
    faults?: Fault[];
    config?: Partial<SimConfig>;
    extra?: string[];
    timeoutMs?: number;
  } = {},
): Promise<FabricRun> {
  const port = String(freePort());
  const args = ['-p', port, '-n', String(iterations), ...(options.oldPostApi ? ['--use_old_post_send'] : [])];
  const all = [...args, ...(options.extra ?? [])];
  return runFabric({
    programs: [
      { command, args: all },
      { command, args: [...all, 'localhost'], waitForListen: Number(port) },
    ],
    scenario: { config: options.config, faults: options.faults ?? [] },
    idleAfterExitMs: 300,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

/** The row of a perftest report that gives `iterations` (its first two columns: bytes, iterations). */
export function reportRow(stdout: string): { bytes: number; iterations: number } | undefined {
  const row = /^\s*(\d+)\s+(\d+)\s+[\d.]+\s+[\d.]+/m.exec(stdout);
  return row ? { bytes: Number(row[1]), iterations: Number(row[2]) } : undefined;
}
