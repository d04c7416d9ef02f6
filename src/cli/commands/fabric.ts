/**
 * `rdmacheck fabric [--scenario FILE] [--trace OUT] -- PROG ARGS... [::: PROG ARGS...]`: runs one
 * or two unmodified libibverbs programs (hosts A and B) on the simulator's fabric, with the
 * scenario's faults, and writes the run's trace as a trace file (`rdmacheck render` draws it).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runFabric } from '../../../adapters/fabric';
import type { FabricProgram, FabricRun } from '../../../adapters/fabric';
import type { Scenario } from '../../core/scenario';
import { makeCounterexample } from '../../report/counterexample';
import { toolVersion } from '../../report/version';
import { writeFileAtomic } from '../../report/write-atomic';
import { intOption, parseCommand } from '../args';
import { CliError, EXIT } from '../errors';
import type { CliIo } from '../io';

/** Usage of fabric. */
export const FABRIC_USAGE = `usage: rdmacheck fabric [--scenario FILE] [--trace OUT] [--timeout-ms N] [--quiet-ms N]
                        [--stagger-ms N] -- PROGRAM ARGS... [::: PROGRAM ARGS...]
  Runs one or two unmodified libibverbs programs (hosts A and B, started in that order) on the
  simulator's deterministic RC fabric: devices rdmacheck0.. (one per path), RoCE v2 GIDs.
  --scenario FILE   YAML/JSON with config and faults (packet faults may name host A or B)
  --trace OUT       write the run's trace file (render it with rdmacheck render OUT)
  --timeout-ms N    kill programs still running after N ms of real time (default 120000)
  --quiet-ms N      a host silent this long counts as waiting for virtual time (default 100)
  --wait-port N     start B once a local TCP port N listens (the server's), not on quiet
  --stagger-ms N    least real time between starting A and B (default 50); B also waits
                    until A reached the fabric and went quiet (a server in accept)
Exit code: 0 when every program exited 0, 1 otherwise, 2 on a usage error.`;

/** Runs `fabric`; returns the exit code. */
export async function fabricCommand(argv: string[], io: CliIo): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const { values } = parseCommand('fabric', own, {
    scenario: { type: 'string' },
    trace: { type: 'string' },
    'timeout-ms': { type: 'string' },
    'quiet-ms': { type: 'string' },
    'stagger-ms': { type: 'string' },
    'wait-port': { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(`${FABRIC_USAGE}\n`);
    return EXIT.ok;
  }
  const waitPort = intOption('fabric', 'wait-port', values['wait-port'], 1);
  const programs = splitPrograms(dash < 0 ? [] : argv.slice(dash + 1)).map((p, k) =>
    k === 1 && waitPort !== undefined ? { ...p, waitForListen: waitPort } : p,
  );
  const scenario = typeof values.scenario === 'string' ? readScenario(resolve(io.cwd, values.scenario)) : {};
  const run = await runFabric({
    programs,
    scenario,
    timeoutMs: intOption('fabric', 'timeout-ms', values['timeout-ms'], 1),
    quietMs: intOption('fabric', 'quiet-ms', values['quiet-ms'], 1),
    staggerMs: intOption('fabric', 'stagger-ms', values['stagger-ms'], 0),
  }).catch((e: Error) => {
    throw new CliError(`rdmacheck fabric: ${e.message.replace(/^runFabric: /, '')}`);
  });
  for (const p of run.programs) {
    for (const line of p.stdout.split('\n').filter(Boolean)) io.stdout.write(`[${p.host}] ${line}\n`);
    for (const line of p.stderr.split('\n').filter(Boolean)) io.stdout.write(`[${p.host}!] ${line}\n`);
    io.stdout.write(`[${p.host}] ${p.command}: ${ending(p)}\n`);
  }
  const end = run.execution.end;
  io.stdout.write(
    `rdmacheck fabric: ${run.execution.trace.length} events, ${(end.timeNs / 1e6).toFixed(3)} ms virtual, ${run.wallMs} ms real\n`,
  );
  if (typeof values.trace === 'string') {
    writeFileAtomic(resolve(io.cwd, values.trace), fabricTraceFile(run));
    io.stderr.write(`rdmacheck: wrote ${values.trace}\n`);
  }
  return run.programs.every((p) => p.code === 0) ? EXIT.ok : EXIT.violations;
}

function ending(p: FabricRun['programs'][number]): string {
  if (p.timedOut) return 'killed after --timeout-ms';
  if (p.stoppedIdle) return 'stopped: it waited on an idle fabric after its peer exited';
  return p.signal ? `ended by ${p.signal}` : `exited ${p.code}`;
}

/** Splits `prog args ::: prog args` into one or two programs. */
function splitPrograms(words: string[]): FabricProgram[] {
  const groups: string[][] = [[]];
  for (const w of words) {
    if (w === ':::') groups.push([]);
    else groups[groups.length - 1].push(w);
  }
  if (groups.some((g) => g.length === 0) || groups.length > 2)
    throw new CliError('rdmacheck fabric: give one or two programs after --, separated by ::: (see --help)');
  return groups.map(([command, ...args]) => ({ command, args }));
}

function readScenario(file: string): Partial<Scenario> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`rdmacheck fabric: cannot read the scenario ${file}`);
  }
  const value = parseYaml(text) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CliError(`rdmacheck fabric: ${file} must hold a map with config and faults`);
  const { config, faults } = value as Partial<Scenario>;
  return { ...(config ? { config } : {}), ...(faults ? { faults } : {}) };
}

/** The run as a trace file: the programs' endings in its explanation, no property verdict. */
export function fabricTraceFile(run: FabricRun): string {
  const ex = run.execution;
  return makeCounterexample({
    property: 'fabric-run',
    explanation: run.programs.map((p) => `${p.host}: ${p.command}: ${ending(p)}`).join('; '),
    events: [],
    layer: 'fabric',
    adapter: 'fabric',
    seed: 0,
    path: '',
    scenario: ex.scenario,
    trace: ex.trace,
    config: ex.config,
    toolVersion: toolVersion(),
  }).toYAML();
}
