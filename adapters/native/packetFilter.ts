/**
 * Exact packet faults on real verbs: nftables queues host A's RoCEv2 packets (UDP port 4791, both
 * directions) to the roce-filter helper (filter/roce-filter.c), which reads each packet's Base
 * Transport Header (opcode, destination QP, PSN) and drops exactly the packets a fault names,
 * counting them as the simulator does. The rules are in place before the run starts; the driver
 * adds a WR's (QP, PSN) key synchronously before the WR is posted, and the helper applies pending
 * keys before every verdict, so no key ever arrives after the packet it names.
 *
 * Diagnostics: with RDMACHECK_PACKET_LOG=<file> set when a run starts, every command sent to the
 * helper ("cmd key ...") and every RoCEv2 packet it sees ("pkt USEC OPCODE QPN PSN pass|drop") are
 * appended to that file (the differential stage attaches them to scenarios that differ).
 */
import type { ChildProcess } from 'child_process';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Where scripts/ci-native.sh (or the command in filterAvailability's reason) builds the helper. */
export const FILTER_BINARY = path.resolve(__dirname, 'build', 'roce-filter');

/** The NFQUEUE number the nftables rules send RoCEv2 packets to. */
export const FILTER_QUEUE = 4791;

const TABLE = 'rdmacheck_exact_faults';
const BUILD_HINT = `build it: cc -O2 -o ${FILTER_BINARY} ${path.resolve(__dirname, 'filter', 'roce-filter.c')} -lnetfilter_queue (needs libnetfilter-queue-dev; scripts/ci-native.sh does it)`;

/** Whether exact packet faults can be injected here; the reason when not. */
export function filterAvailability(): { ok: true } | { ok: false; reason: string } {
  if (!fs.existsSync(FILTER_BINARY)) return { ok: false, reason: `the packet filter helper is missing: ${BUILD_HINT}` };
  const nft = spawnSync('nft', ['--version'], { encoding: 'utf8' });
  if (nft.error || nft.status !== 0) return { ok: false, reason: 'nft (package nftables) is not on PATH' };
  return { ok: true };
}

/** Which packets a rule counts: requests (A's egress or B's requests) or responses. */
export type PacketDirection = 'req' | 'resp';

/** A running helper and its nftables rules. */
export class PacketFilter {
  /** A dropped packet: the rule, which match of the rule it was (from 1), its PSN. */
  onDrop?: (rule: number, match: number, psn: number) => void;
  private stopped = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly fifoFd: number,
    private readonly dir: string,
    private readonly log: string | undefined,
  ) {}

  /** Starts the helper, waits until it is bound to the queue, then installs the nftables rules. */
  static async start(timeoutMs = 5000): Promise<PacketFilter> {
    const avail = filterAvailability();
    if (!avail.ok) throw new Error(`native.run: exact packet faults are unavailable: ${avail.reason}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-filter-'));
    const fifo = path.join(dir, 'control');
    const mk = spawnSync('mkfifo', [fifo], { encoding: 'utf8' });
    if (mk.status !== 0) throw new Error(`native.run: mkfifo ${fifo} failed: ${mk.stderr || mk.error?.message}`);
    const child = spawn(FILTER_BINARY, [String(FILTER_QUEUE), fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines: string[] = [];
    let partial = '';
    // Lines before the filter object exists are kept; later ones go straight to it.
    const sink: { onLine?: (line: string) => void } = {};
    child.stdout!.on('data', (d: Buffer) => {
      partial += d.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const l of parts) {
        if (sink.onLine) sink.onLine(l);
        else lines.push(l);
      }
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`native.run: the packet filter did not start: ${stderr}`)),
        timeoutMs,
      );
      const check = () => {
        if (lines.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`native.run: the packet filter exited (${code}): ${stderr.trim()} (root, nfnetlink_queue?)`));
      });
    });
    const filter = new PacketFilter(child, fs.openSync(fifo, 'w'), dir, process.env.RDMACHECK_PACKET_LOG || undefined);
    sink.onLine = (l) => filter.report(l);
    for (const l of lines) filter.report(l);
    if (filter.log) filter.command('trace');
    filter.nft(
      [
        `table inet ${TABLE} {`,
        `  chain out { type filter hook output priority 0; udp dport 4791 queue num ${FILTER_QUEUE} bypass; }`,
        `  chain in { type filter hook input priority 0; udp dport 4791 queue num ${FILTER_QUEUE} bypass; }`,
        `}`,
      ].join('\n'),
    );
    return filter;
  }

  /** Declares rule `id`: it drops its matches number nth .. nth+count-1 ('all': every later one). */
  rule(id: number, direction: PacketDirection, nth: number, count: number | 'all'): void {
    this.command(`rule ${id} ${direction} ${nth} ${count === 'all' ? -1 : count}`);
  }

  /** Rule `id` matches packets to QP `qpn` with PSN `psn` (undefined: any PSN). */
  key(id: number, qpn: number, psn?: number): void {
    this.command(`key ${id} ${qpn} ${psn ?? -1}`);
  }

  /** Removes the nftables rules and stops the helper (idempotent). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    spawnSync('nft', ['delete', 'table', 'inet', TABLE]);
    this.child.kill('SIGTERM');
    try {
      fs.closeSync(this.fifoFd);
    } catch {
      // already closed
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private command(line: string): void {
    // Synchronous on purpose: the key must be in the FIFO before the WR is handed to the NIC.
    fs.writeSync(this.fifoFd, line + '\n');
    if (this.log) fs.appendFileSync(this.log, `cmd ${line}\n`);
  }

  private report(line: string): void {
    if (this.log && line.startsWith('pkt ')) fs.appendFileSync(this.log, line + '\n');
    const m = /^drop (\d+) (\d+) (\d+)$/.exec(line);
    if (m) this.onDrop?.(Number(m[1]), Number(m[2]), Number(m[3]));
  }

  private nft(script: string): void {
    spawnSync('nft', ['delete', 'table', 'inet', TABLE]); // a table left by a crashed run
    const r = spawnSync('nft', ['-f', '-'], { input: script, encoding: 'utf8' });
    if (r.status !== 0 || r.error) {
      this.stop();
      throw new Error(
        `native.run: nft could not queue RoCEv2 packets to the filter: ${(r.stderr || r.error?.message || '').trim()} (root, nf_tables and nft_queue modules?)`,
      );
    }
  }
}
