/**
 * The same programs on the fabric and on kernel Soft-RoCE, side by side: the cases
 * (scripts/vm/perftest-cases.txt), how one side of a run ended, summarized the same way for both
 * (exit, the program's report row or its error lines), and the comparison table.
 */
import { readFileSync } from 'node:fs';
import type { Fault } from '../../src/core/scenario';

/** One case: a server/client program pair, a fault, and the real-time limit of each side. */
export interface SideBySideCase {
  name: string;
  fault: 'none' | 'drop-client';
  limitS: number;
  command: string;
  /** Arguments with {dev}, {gid} and {port} still to fill in. */
  args: string[];
}

/** Reads the case file: NAME FAULT LIMIT_S COMMAND ARGS..., '#' comments. */
export function readCases(file: string): SideBySideCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line, k) => {
      const [name, fault, limit, command, ...args] = line.split(/\s+/);
      if (fault !== 'none' && fault !== 'drop-client')
        throw new Error(`readCases: ${file}: case ${k + 1} (${name}): fault must be none or drop-client, not ${fault}`);
      if (!command || !(Number(limit) > 0))
        throw new Error(`readCases: ${file}: case ${k + 1} (${name}): give NAME FAULT LIMIT_S COMMAND ARGS...`);
      return { name, fault, limitS: Number(limit), command, args };
    });
}

/** The arguments for one side: its device, GID index and the case's port. */
export function fillArgs(args: string[], values: { dev: string; gid: number; port: number }): string[] {
  return args.map((a) =>
    a.replace('{dev}', values.dev).replace('{gid}', String(values.gid)).replace('{port}', String(values.port)),
  );
}

/**
 * The fabric's faults for a case (host A is the server, B the client): drop-client loses every
 * packet the client sends, its requests and its responses to the server's requests.
 */
export function fabricFaults(c: SideBySideCase): Fault[] {
  if (c.fault === 'none') return [];
  return [
    { kind: 'drop-request', host: 'B', path: 0, count: 'all' },
    { kind: 'drop-response', host: 'A', path: 0, count: 'all' },
  ] as Fault[];
}

/** How one program of a case ended. */
export interface SideEnd {
  /** 'completed' (exit 0), 'exit N', 'killed by SIG', or 'ran to the limit' (still waiting when stopped). */
  end: string;
  /** The program's result line, reduced to what is not a timing: "bytes x iterations", "N iters". */
  report: string;
  /** Its error lines, with numbers that vary run to run (addresses) masked. */
  errors: string[];
}

/**
 * Lines that are not errors: perftest's note on any device it does not know (rxe and the fabric
 * alike), and its warning when the samples it takes to estimate the CPU clock scatter (it fits a
 * line through them: seen on a loaded emulated guest, never a statement about the transport).
 */
const NOTES = [
  /^Device not recognized to implement inline feature\. Disabling it$/,
  /^Correlation coefficient r\^2: [\d.]+ < [\d.]+$/,
];

/** Summarizes one side from its output and how it ended. */
export function summarize(
  stdout: string,
  stderr: string,
  ended: { code: number | null; signal?: string | null; limit: boolean },
): SideEnd {
  const end = ended.limit
    ? 'ran to the limit'
    : ended.code === 0
      ? 'completed'
      : ended.code !== null
        ? `exit ${ended.code}`
        : `killed by ${ended.signal ?? '?'}`;
  const perftestRow = /^\s*(\d+)\s+(\d+)\s+[\d.]+\s+[\d.]+/m.exec(stdout);
  const pingpong = /^(\d+) iters in [\d.]+ seconds/m.exec(stdout);
  const report = perftestRow ? `${perftestRow[1]} B x ${perftestRow[2]}` : pingpong ? `${pingpong[1]} iters` : '-';
  const errors = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOTES.some((n) => n.test(l)))
    .map((l) => l.replace(/0x[0-9a-f]{6,}/gi, '0x…'));
  return { end, report, errors };
}

/** One case's outcome on one side: the server's and the client's ends. */
export interface CaseSide {
  server: SideEnd;
  client: SideEnd;
}

/** Whether two sides ended alike: same ends, same reports, same error lines. */
export function agree(a: CaseSide, b: CaseSide): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function cell(s: SideEnd): string {
  const err = s.errors.length > 0 ? `; "${s.errors[0]}"${s.errors.length > 1 ? ` (+${s.errors.length - 1})` : ''}` : '';
  return `${s.end}, ${s.report}${err}`;
}

/** The comparison table (Markdown), one row per case; a missing kernel side reads "not run". */
export function renderTable(rows: { c: SideBySideCase; fabric: CaseSide; kernel?: CaseSide }[]): string {
  const out = [
    '| case | fault | fabric (nic rxe): server / client | Soft-RoCE: server / client | agree |',
    '|---|---|---|---|---|',
  ];
  for (const { c, fabric, kernel } of rows) {
    const k = kernel ? `${cell(kernel.server)} / ${cell(kernel.client)}` : 'not run';
    const verdict = kernel ? (agree(fabric, kernel) ? 'yes' : '**no**') : '-';
    out.push(
      `| ${c.name} (\`${c.command}\`) | ${c.fault} | ${cell(fabric.server)} / ${cell(fabric.client)} | ${k} | ${verdict} |`,
    );
  }
  return out.join('\n');
}
