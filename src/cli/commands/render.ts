/** `rdmacheck render FILE --format text|mermaid|html [--out FILE]`: render a counterexample file. */
import { resolve } from 'node:path';
import { renderHtml } from '../../report/html';
import { loadTrace } from '../../report/load';
import { renderMermaid } from '../../report/mermaid';
import { renderText } from '../../report/text';
import { choiceOption, parseCommand } from '../args';
import { CliError, EXIT } from '../errors';
import type { CliIo } from '../io';
import { writeFileAtomic } from '../../report/write-atomic';

/** Usage of render. */
export const RENDER_USAGE = `usage: rdmacheck render FILE [--format text|mermaid|html] [--out FILE]
  Renders a counterexample file: text (lanes, default), mermaid (paste into a GitHub issue),
  html (a self-contained page with an SVG sequence chart).`;

/** Runs `render`; returns the exit code. */
export async function renderCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('render', argv, {
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
  });
  if (values.help) {
    io.stdout.write(`${RENDER_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new CliError('rdmacheck render: give exactly one counterexample file (see rdmacheck render --help)');
  const format = choiceOption('render', 'format', values.format, ['text', 'mermaid', 'html'] as const, 'text');
  const file = positionals[0];
  const cx = loadTrace(resolve(io.cwd, file));
  const output =
    format === 'text'
      ? renderText(cx, { file })
      : format === 'mermaid'
        ? renderMermaid(cx, { fenced: false })
        : renderHtml(cx, { file });
  if (typeof values.out === 'string') {
    writeFileAtomic(resolve(io.cwd, values.out), output);
    io.stderr.write(`rdmacheck: wrote ${values.out}\n`);
  } else io.stdout.write(output);
  return EXIT.ok;
}
