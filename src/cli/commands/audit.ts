/**
 * `rdmacheck audit LAYER`: check every property over every op class, print the audit matrix,
 * write each counterexample as YAML + HTML. The checks run in a contained worker (heap limit,
 * watchdog) under a wall-clock limit, so a layer that loops or allocates forever is reported, not
 * waited on.
 */
import { seedLine } from '../../report/seed-line';
import { join, resolve } from 'node:path';
import type { Opcode } from '../../core/verbs';
import { OPCODES } from '../../core/verbs';
import { NIC_PROFILES } from '../../core/scenario';
import type { NicProfile } from '../../core/scenario';
import { properties as allProperties } from '../../../properties';
import type { Property } from '../../core/property';
import { CHECK_DEFAULTS } from '../../check/options';
import type { Report } from '../../core/results';
import { rewrapReport } from '../../report/counterexample';
import { renderMatrixText } from '../../report/matrix';
import { renderCoverageText } from '../../report/coverage';
import { parseRequireCoverage } from '../coverage-option';
import { replayCommand } from '../../report/replay-command';
import { auditColumns } from '../audit-run';
import { choiceOption, durationOption, intOption, listOption, parseCommand } from '../args';
import { formatNs } from '../../report/lanes';
import type { AuditEvent, AuditRequest } from '../audit-run';
import { CliError, EXIT } from '../errors';
import type { CliIo } from '../io';
import { loadLayer, parseLayerSpec } from '../load-layer';
import { carriedOpcodes } from '../../core/layer';
import { createProgress } from '../progress';
import type { ProgressUpdate } from '../progress';
import { JobError, runContained } from '../../check/contained/supervise';
import { containmentFromEnv } from '../containment-env';
import { writeCounterexampleFiles, writeOutputs } from '../audit-out';
import { AuditInterrupted, interruptExitCode, onInterrupt } from '../interrupt';
import { compareWithDocumented, modelLimitsOf, whyNotCompared } from '../documented';
import { junitReport } from '../junit';
import { jsonReport } from '../audit-json';
import type { Shard } from '../../check/shard';
import { parseShard } from '../../check/shard';
import { writeFileAtomic } from '../../report/write-atomic';
import { counterexampleBaseName } from '../../report/file-name';
import { passMeaning } from '../../report/pass-meaning';
import { wrap } from '../../report/text';
import { layerFaultSummary } from '../../report/layer-faults';
import { typecheckLayer } from '../typecheck-layer';
import { replayInFreshWorkers } from '../fresh-replay';
import { SETTINGS_FORM, settingsOption } from '../settings-option';
import { DRAWN_FAULT_KINDS, FIELD_ONLY_FAULT_KINDS } from '../../check/given';
import { fieldDrawsSummary } from '../../check/fieldDraws';
import { FAULT_KINDS_FORM, faultKindsOption } from '../fault-kinds-option';
import type { FaultKind } from '../../core/scenario';
import { unsupportedFaultsLine } from '../../report/unsupported-faults';

/** Wall-clock limit of one counterexample's replay in a fresh worker. */
const FRESH_REPLAY_LIMIT_MS = 60_000;

/** Usage of audit. */
export const AUDIT_USAGE = `usage: rdmacheck audit LAYER [options]
  LAYER             a reference layer name (rdmacheck layers) or a .js/.ts module exporting a FailoverLayer
  --opcodes LIST    op classes, comma-separated (default: the ones the layer carries, else ${OPCODES.join(',')})
  --no-mixed        no 'mixed' column (by default, with 2+ op classes, a column of scenarios drawing from all)
  --properties LIST properties, comma-separated (default: all)
  --runs N          generated runs per op class, judged by every property (default ${CHECK_DEFAULTS.numRuns})
  --seed N          fast-check seed (default ${CHECK_DEFAULTS.seed}: the same audit every time)
  --time-limit S    wall-clock limit for the whole audit in seconds (default 600)
  --liveness D      liveness budget of every run: virtual time the layers get after the last fault or
                    application step to complete every WR, NIC retransmission waits not counted
                    (ns, us, ms or s, e.g. 50ms; default ${formatNs(CHECK_DEFAULTS.livenessNs)})
  --config LIST     settings every generated run takes instead of drawing them: ${SETTINGS_FORM}
                    (default: the layer's own, shown by rdmacheck layers; "drawn" draws them all)
  --nic PROFILE     NIC behaviour of the simulated fabric: ${NIC_PROFILES.join(' | ')} (default ${CHECK_DEFAULTS.nic})
  --fault-kinds LIST
                    the only fault kinds generated runs draw, ${FAULT_KINDS_FORM}
                    (default: every kind)
  --no-bad-addresses
                    no WR names an address outside the memory region (by default one in 40 does:
                    REM_ACCESS_ERR, which a layer must not take for a path failure)
  --shard I/N       shard I of a campaign of N: runs under seed + I - 1; fold the shards' --format json
                    reports with rdmacheck merge
  --require-coverage NAME=N,...
                    fail unless each named coverage class was exercised by at least N runs
  --out DIR         write each counterexample as YAML + HTML, and report.html, into DIR
  --format F        text (default) | json | junit (on stdout)
  --junit FILE      also write the JUnit XML report to FILE (one testcase per property x op class), for CI
  --typecheck       type-check a .ts layer module first (it is loaded transpile-only: type errors are not reported otherwise)
  --verbose         stack traces on errors
The layer runs in a worker limited by RDMACHECK_HEAP_MB (default 1024), RDMACHECK_WATCHDOG_MS (no finished
run for this long stops it; default 30000) and RDMACHECK_MAX_LIMIT_FAULTS (default 4): a layer stopped by
a limit is a finding naming it (run, shrink, replay and verify of a .js/.ts layer run in such a worker too).
Exit: 0 every property holds, 1 violations found, 2 usage or input error.`;

/** Runs `audit`; returns the exit code. */
export async function auditCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('audit', argv, {
    opcodes: { type: 'string' },
    properties: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    'time-limit': { type: 'string' },
    liveness: { type: 'string' },
    nic: { type: 'string' },
    config: { type: 'string' },
    shard: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    junit: { type: 'string' },
    typecheck: { type: 'boolean' },
    'require-coverage': { type: 'string' },
    'no-mixed': { type: 'boolean' },
    'fault-kinds': { type: 'string' },
    'no-bad-addresses': { type: 'boolean' },
  });
  if (values.help) {
    io.stdout.write(`${AUDIT_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new CliError('rdmacheck audit: give exactly one layer (see rdmacheck audit --help)');
  const propertyNames = allProperties.all.map((p: Property) => p.name);
  const chosen = listOption('audit', 'opcodes', values.opcodes, OPCODES) as Opcode[] | undefined;
  const properties = listOption('audit', 'properties', values.properties, propertyNames);
  const numRuns = intOption('audit', 'runs', values.runs, 1);
  const seed = intOption('audit', 'seed', values.seed, -2147483648);
  const timeLimitS = intOption('audit', 'time-limit', values['time-limit'], 1) ?? 600;
  const requireCoverage = parseRequireCoverage('audit', values['require-coverage']);
  const livenessNs = durationOption('audit', 'liveness', values.liveness);
  const format = choiceOption('audit', 'format', values.format, ['text', 'json', 'junit'] as const, 'text');
  const nic = choiceOption('audit', 'nic', values.nic, NIC_PROFILES, CHECK_DEFAULTS.nic);
  const config = settingsOption('audit', values.config);
  const faultKinds = faultKindsOption('audit', values['fault-kinds']);
  const badAddresses = values['no-bad-addresses'] === true ? false : undefined;
  const shard = values.shard === undefined ? undefined : parseCliShard(String(values.shard));
  const layerArg = positionals[0];
  const spec = parseLayerSpec(layerArg, io.cwd);
  const typeScriptModule = spec.kind === 'module' && /\.c?ts$/.test(spec.file);
  if (values.typecheck === true) {
    if (!typeScriptModule) throw new CliError('rdmacheck audit: --typecheck applies to a .ts layer module only');
    typecheckLayer((spec as { file: string }).file, io.cwd);
  }
  // The columns: the ones asked for, else the op classes the layer carries (a module layer is
  // loaded only in the worker, so its count is known there; the progress bar assumes all six).
  const opcodes = chosen ?? (spec.kind === 'reference' ? [...carriedOpcodes(loadLayer(spec))] : [...OPCODES]);
  const mixed = values['no-mixed'] === true ? false : undefined;
  const columns = auditColumns({ opcodes, ...(mixed === undefined ? {} : { mixed }) }).length;
  const request: AuditRequest = {
    layer: spec,
    ...(chosen === undefined ? {} : { opcodes: chosen }),
    ...(mixed === undefined ? {} : { mixed }),
    ...(properties === undefined ? {} : { properties }),
    ...(numRuns === undefined ? {} : { numRuns }),
    ...(seed === undefined ? {} : { seed }),
    ...(livenessNs === undefined ? {} : { livenessNs }),
    ...(nic === CHECK_DEFAULTS.nic ? {} : { nic }),
    ...(config === undefined ? {} : { config }),
    ...(faultKinds === undefined ? {} : { faultKinds }),
    ...(badAddresses === undefined ? {} : { badAddresses }),
    ...(shard === undefined ? {} : { shard }),
    ...(requireCoverage === undefined ? {} : { requireCoverage }),
    // The checker gets 80% of the wall-clock budget, split over the columns; the rest is headroom.
    budgetMsPerOpClass: Math.floor((timeLimitS * 1000 * 0.8) / columns),
  };
  const progress = createProgress(io, { columns, runsPerColumn: numRuns ?? CHECK_DEFAULTS.numRuns });
  const started = performance.now();
  // A module layer is not known by name: its replay command needs --layer with the path given here.
  const layerModule = spec.kind === 'module' ? layerArg : undefined;
  const outDir = typeof values.out === 'string' ? resolve(io.cwd, values.out) : undefined;
  const written: string[] = [];
  const found = new Set<string>();
  let report: Report;
  try {
    report = await runInWorker(request, timeLimitS * 1000, layerArg, (event) => {
      if (event.type === 'progress') progress.update(event.update);
      else if (event.type === 'cell') progress.cellDone(event.update);
      else if (event.type === 'found' && outDir !== undefined) {
        // Written as found, so an interrupted audit keeps it; rewritten whole after the fresh replay.
        // A job restarted past a limit finds the same counterexamples again: each is written once.
        const cx = rewrapReport({ results: [event.result] } as Report).results[0].counterexample!;
        const name = counterexampleBaseName(cx);
        if (found.has(name)) return;
        found.add(name);
        const file = writeCounterexampleFiles(cx, outDir, io, layerModule);
        if (file !== undefined) written.push(file);
      }
    })
      .then((r) => (spec.kind === 'module' ? replayInFreshWorkers(r, spec, FRESH_REPLAY_LIMIT_MS) : r))
      .finally(() => progress.finish());
  } catch (e) {
    if (!(e instanceof AuditInterrupted)) throw e;
    io.stderr.write(`${interruptedLine(e, written.length, outDir)}\n`);
    return interruptExitCode(e.signal);
  }
  const files = writeOutputs(report, outDir, io, layerModule);
  if (typeof values.junit === 'string') writeFileAtomic(resolve(io.cwd, values.junit), junitReport(report));
  const elapsedMs = Math.round(performance.now() - started);
  if (format === 'json') io.stdout.write(`${JSON.stringify(jsonReport(report, files, elapsedMs), null, 2)}\n`);
  else if (format === 'junit') io.stdout.write(junitReport(report));
  else
    io.stdout.write(
      textReport(
        report,
        files,
        spec.kind === 'reference' ? layerArg : undefined,
        numRuns ?? CHECK_DEFAULTS.numRuns,
        layerModule,
        nic,
        typeScriptModule && values.typecheck !== true,
        { faultKinds, badAddresses },
        [...(livenessNs === undefined ? [] : ['--liveness']), ...(config === undefined ? [] : ['--config'])],
      ),
    );
  return report.ok ? EXIT.ok : EXIT.violations;
}

/** The one line an interrupted audit ends with: how many counterexamples, and where. */
function interruptedLine(e: AuditInterrupted, count: number, outDir: string | undefined): string {
  if (outDir === undefined)
    return `${e.message}; ${count === 0 ? 'no counterexample found yet' : `${count} counterexample(s) found`}, none written (use --out DIR to keep them)`;
  return `${e.message}; ${count} counterexample${count === 1 ? '' : 's'} found so far, written whole in ${outDir}`;
}

/**
 * Runs the audit as a contained job (src/check/contained: a heap limit and a watchdog per batch
 * of runs, limits from the environment, ../containment-env): a layer that allocates without bound
 * or loops without calling env ends as a finding naming the limit. Rejects with a CliError naming
 * the layer when --time-limit passes, and with AuditInterrupted on SIGINT or SIGTERM (the worker
 * is terminated first).
 */
async function runInWorker(
  request: AuditRequest,
  limitMs: number,
  layerArg: string,
  onEvent: (e: AuditEvent) => void,
): Promise<Report> {
  const containment = containmentFromEnv('audit');
  let last: ProgressUpdate | undefined;
  let layerName: string | undefined;
  const stop = new AbortController();
  const stopListening = onInterrupt((signal) => stop.abort(new AuditInterrupted(signal)));
  const timer = setTimeout(() => {
    const where =
      last === undefined ? '' : ` (it was checking ${last.property}${last.opcode ? ` on ${last.opcode}` : ''})`;
    const named = layerName === undefined || layerName === layerArg ? layerArg : `${layerName} (${layerArg})`;
    stop.abort(
      new CliError(
        `rdmacheck audit: layer ${named} did not finish within ${Math.round(limitMs / 1000)}s${where}; ` +
          'a layer method may loop forever: fix the layer, or raise --time-limit',
      ),
    );
  }, limitMs);
  try {
    const outcome = await runContained<Report>(
      { jobFile: join(__dirname, '..', 'audit-job'), input: request },
      {
        api: 'rdmacheck audit',
        ...containment,
        abort: stop.signal,
        onEvent: (e) => {
          const event = e as AuditEvent;
          if (event.type === 'layer') layerName = event.name;
          else {
            if (event.type === 'progress' || event.type === 'cell') last = event.update;
            onEvent(event);
          }
        },
      },
    );
    // Structured cloning kept the data and dropped the prototypes: give the methods back.
    return rewrapReport(outcome.result);
  } catch (e) {
    if (e instanceof JobError)
      throw e.name === 'CliError'
        ? new CliError(e.message)
        : Object.assign(new Error(`rdmacheck audit: ${layerArg}: ${e.message}`), { stack: e.stack });
    throw e;
  } finally {
    clearTimeout(timer);
    stopListening();
  }
}

function textReport(
  report: Report,
  files: Record<number, string>,
  referenceName: string | undefined,
  runsPerOpClass: number,
  layerModule: string | undefined,
  nic: NicProfile,
  transpiledOnly: boolean,
  drawn: { faultKinds?: readonly FaultKind[]; badAddresses?: boolean },
  settingsGiven: readonly string[],
): string {
  const lines: string[] = [];
  const fabric = nic === CHECK_DEFAULTS.nic ? report.adapter : `${report.adapter} (nic ${nic})`;
  lines.push(
    `rdmacheck audit: layer ${report.layer} on ${fabric}, seed ${report.seed}${report.shard ? ` (shard ${report.shard.index}/${report.shard.count})` : ''}, ${runsPerOpClass} generated runs per op class` +
      ' (a cell shows its verdict and how many runs it took to reach it)',
  );
  if (transpiledOnly && layerModule !== undefined)
    lines.push(
      `(${layerModule} was loaded transpile-only: its type errors are not reported; add --typecheck to check them first)`,
    );
  lines.push('');
  lines.push(renderMatrixText(report).trimEnd());
  const coverageTable = renderCoverageText(report);
  if (coverageTable !== '') {
    lines.push('', 'coverage: runs that exercised each failure situation, per op class');
    lines.push(coverageTable.trimEnd());
  }
  for (const s of report.coverageShortfalls ?? []) lines.push('', `coverage too low: ${s.explanation}`);
  const leftOut = unsupportedFaultsLine(report);
  if (leftOut !== undefined) lines.push('', ...wrap(leftOut, 100));
  const violated = report.results.map((r, k) => ({ r, k })).filter(({ r }) => r.counterexample !== undefined);
  for (const { r, k } of violated) {
    const cx = r.counterexample as NonNullable<typeof r.counterexample>;
    lines.push('');
    lines.push(...wrap(`${r.property} [${r.opcode ?? 'all'}] violated: ${cx.explanation}`, 100));
    lines.push(
      `  ${seedLine(cx.seed, cx.path, { whole: files[k] === undefined })}${files[k] === undefined ? ' (use --out DIR to write the counterexample file)' : `; replay: ${replayCommand(files[k], layerModule)}`}`,
    );
  }
  const unknown = report.results.filter((r) => r.status === 'unknown');
  for (const r of unknown) lines.push(`${r.property} [${r.opcode ?? 'all'}] unknown: ${r.reason ?? 'no reason given'}`);
  if (report.results.some((r) => r.status === 'holds')) {
    const drawnKinds =
      drawn.faultKinds ?? DRAWN_FAULT_KINDS.filter((k) => !report.unsupportedFaultKinds?.some((u) => u.kind === k));
    const perFaultKinds = drawnKinds.filter((k) => !FIELD_ONLY_FAULT_KINDS.includes(k));
    lines.push('');
    lines.push(
      ...passMeaning(
        {
          runsPerOpClass,
          seed: report.seed,
          generator: CHECK_DEFAULTS,
          faultKinds: perFaultKinds,
          extraFaults: fieldDrawsSummary(drawnKinds),
        },
        `npx rdmacheck audit ${layerModule ?? referenceName ?? report.layer}`,
      ),
    );
  }
  if (referenceName !== undefined) {
    const notCompared = whyNotCompared(nic, drawn, settingsGiven);
    const comparison = notCompared === undefined ? compareWithDocumented(referenceName, report) : undefined;
    if (notCompared !== undefined) lines.push('', notCompared);
    if (comparison !== undefined) lines.push('', ...wrapKeepingIndent(comparison));
  }
  const modelLimits = referenceName !== undefined ? modelLimitsOf(referenceName) : undefined;
  if (modelLimits !== undefined) lines.push('', ...wrapKeepingIndent(modelLimits));
  lines.push('');
  const count = report.results.filter((r) => r.status === 'violated').length;
  const short = report.coverageShortfalls?.length ?? 0;
  const faults = layerFaultSummary(report);
  const summary = report.ok
    ? 'every property holds'
    : [
        ...(count > 0 ? [`${count} violated cell${count === 1 ? '' : 's'}`] : ['every property holds']),
        ...(short > 0 ? [`${short} coverage class${short === 1 ? '' : 'es'} below the requirement`] : []),
      ].join('; ');
  lines.push(...wrap(`${summary}${faults === undefined ? '' : `; ${faults}`}`, 100));
  return `${lines.join('\n')}\n`;
}

/** "i/n" from the command line, as a usage error when malformed. */
function parseCliShard(text: string): Shard {
  try {
    return parseShard(text, 'rdmacheck audit: --shard');
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** A paragraph wrapped to 100 columns, each line keeping its indentation. */
function wrapKeepingIndent(paragraph: string): string[] {
  return paragraph.split('\n').flatMap((line) => {
    const indent = /^ */.exec(line)?.[0] ?? '';
    return wrap(line, 100 - indent.length - 2).map((l, k) => `${indent}${k === 0 ? '' : '  '}${l}`);
  });
}
