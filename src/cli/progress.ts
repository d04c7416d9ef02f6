/** Audit progress: a bar redrawn in place on a terminal, plain lines in logs and CI. */
import type { CliIo } from './io';

/** What the audit reports while it runs (counts are within the current op class). */
export interface ProgressUpdate {
  /** The property (or "N properties") and the op class being checked. */
  property: string;
  opcode?: string;
  runs: number;
  failures: number;
  /** The search of this op class is over and a failure is being shrunk. */
  shrinking?: boolean;
}

/** A progress display over `columns` op classes of `runsPerColumn` runs each. */
export interface Progress {
  update(u: ProgressUpdate): void;
  /** A property x op class cell finished with its status. */
  cellDone(u: ProgressUpdate & { status: string }): void;
  /** Clears the bar (terminal) before the final output. */
  finish(): void;
}

/** A bar on a TTY (at most ~10 redraws a second), otherwise one plain line per finished cell. */
export function createProgress(
  io: CliIo,
  options: { columns: number; runsPerColumn: number; now?: () => number },
): Progress {
  const tty = io.stderr.isTTY === true;
  const now = options.now ?? (() => performance.now());
  const columnsSeen: string[] = [];
  let violatedCells = 0;
  let lastDraw = -Infinity;
  let drawn = false;
  const draw = (u: ProgressUpdate) => {
    const done = Math.max(0, columnsSeen.length - 1) * options.runsPerColumn + Math.min(u.runs, options.runsPerColumn);
    const total = options.columns * options.runsPerColumn;
    const width = 24;
    const filled = total === 0 ? width : Math.round((Math.min(done, total) / total) * width);
    const state = u.shrinking ? 'shrinking' : 'running';
    io.stderr.write(
      `\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} runs, ` +
        `${violatedCells + u.failures} failing, ${state} ${u.opcode ?? ''}`,
    );
    drawn = true;
  };
  const seeColumn = (opcode: string | undefined) => {
    const key = opcode ?? 'all';
    if (!columnsSeen.includes(key)) columnsSeen.push(key);
  };
  return {
    update(u) {
      seeColumn(u.opcode);
      if (!tty) return;
      const t = now();
      if (t - lastDraw < 100 && !u.shrinking) return;
      lastDraw = t;
      draw(u);
    },
    cellDone(u) {
      seeColumn(u.opcode);
      if (u.status === 'violated') violatedCells += 1;
      if (tty) draw({ ...u, runs: options.runsPerColumn, failures: 0, shrinking: false });
      else
        io.stderr.write(
          `rdmacheck: ${u.property} [${u.opcode ?? 'all'}]: ${u.status} (${u.runs} run${u.runs === 1 ? '' : 's'})\n`,
        );
    },
    finish() {
      if (tty && drawn) io.stderr.write('\r\x1b[2K');
    },
  };
}
