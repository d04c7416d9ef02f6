/** `rdmacheck replay FILE [--layer NAME|MODULE]`: re-run a counterexample and compare. */
import { resolve } from 'node:path';
import { replay } from '../../check/replay';
import { loadTrace } from '../../report/load';
import { renderText } from '../../report/text';
import { durationOption, parseCommand } from '../args';
import { CliError, EXIT } from '../errors';
import type { CliIo } from '../io';
import { loadLayer, parseLayerSpec } from '../load-layer';

/** Usage of replay. */
export const REPLAY_USAGE = `usage: rdmacheck replay FILE [--layer NAME|MODULE] [--show] [--regenerate] [--liveness D]
  Re-runs a counterexample deterministically and reports "still fails" (identical trace),
  "now passes", or "diverged at event k" with both events. Exit 0 only when it now passes.
  --layer replays against another layer (e.g. your fixed version, a .js/.ts module);
  --show prints the replayed run as a lane chart;
  --regenerate runs the scenario regenerated from the file's seed, path and generator
  instead of the stored one, and says whether the two are identical;
  --liveness D re-runs with another liveness budget (ns, us, ms or s, e.g. 50ms): does the layer
  complete what it left waiting when it gets more time?`;

/** Runs `replay`; returns the exit code. */
export async function replayCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('replay', argv, {
    layer: { type: 'string' },
    show: { type: 'boolean' },
    regenerate: { type: 'boolean' },
    liveness: { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(`${REPLAY_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new CliError('rdmacheck replay: give exactly one counterexample file (see rdmacheck replay --help)');
  const livenessNs = durationOption('replay', 'liveness', values.liveness);
  const cx = loadTrace(resolve(io.cwd, positionals[0]));
  const layer = typeof values.layer === 'string' ? loadLayer(parseLayerSpec(values.layer, io.cwd)) : undefined;
  const result = await replay(cx, {
    ...(layer === undefined ? {} : { layer }),
    ...(values.regenerate ? { regenerate: true } : {}),
    ...(livenessNs === undefined ? {} : { livenessNs }),
  });
  io.stdout.write(`${result.summary}\n`);
  if (values.show) {
    const verdict = result.verdict;
    io.stdout.write(
      `\n${renderText(
        {
          ...cx,
          trace: result.trace,
          layer: layer?.name ?? cx.layer,
          explanation: verdict.status === 'violated' ? verdict.explanation : `replayed: ${result.outcome}`,
          events: verdict.status === 'violated' ? verdict.events : [],
        },
        { file: positionals[0] },
      )}`,
    );
  }
  return result.outcome === 'now-passes' ? EXIT.ok : EXIT.violations;
}
