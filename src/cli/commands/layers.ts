/** `rdmacheck layers`: the reference layers with their one-line rules and documented audits. */
import { describeLayer, layers, referenceLayerNames } from '../../layers';
import { wrap } from '../../report/text';
import { parseCommand } from '../args';
import { EXIT } from '../errors';
import type { CliIo } from '../io';

/** Usage of layers. */
export const LAYERS_USAGE = `usage: rdmacheck layers [--json]
  Lists the reference layers: name, transparent or cooperative, the decision rule, and the audit
  result each one documents (audit one by name: rdmacheck audit NAME).`;

/** Runs `layers`; returns the exit code. */
export async function layersCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand('layers', argv, { json: { type: 'boolean' } });
  if (values.help) {
    io.stdout.write(`${LAYERS_USAGE}\n`);
    return EXIT.ok;
  }
  const list = referenceLayerNames.map((key) => layers[key]);
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify(
        list.map((l) => ({
          name: l.name,
          transparent: l.transparent === true,
          opcodes: l.opcodes ?? null,
          config: l.config ?? null,
          rule: l.rule,
          expected: l.expected,
        })),
        null,
        2,
      )}\n`,
    );
    return EXIT.ok;
  }
  for (const l of list) io.stdout.write(`${layerBlock(describeLayer(l))}\n`);
  io.stdout.write(`${list.length} reference layers; audit one with: npx rdmacheck audit NAME (--json for the data)\n`);
  return EXIT.ok;
}

/** Width of the layer list: a terminal's, without a line a reader has to scroll. */
const WIDTH = 100;

/**
 * One layer as a short block: "name (kind)", then the rule and the expected audit, each wrapped
 * to WIDTH with an indented continuation (describeLayer's one line runs to 500+ characters).
 */
function layerBlock(description: string): string {
  const [head, expected = ''] = description.split(' -- ');
  // The title ends at the first "): " after the kind; a field model's carries more in brackets.
  const colon = head.search(/\)(?: \[[^\]]*\])*: /);
  const end = colon === -1 ? -1 : head.indexOf(': ', colon);
  const titleText = end === -1 ? head : head.slice(0, end);
  const rule = end === -1 ? '' : head.slice(end + 2);
  const title = wrap(titleText, WIDTH - 4)
    .flatMap((line) => splitAtCommas(line, WIDTH - 4))
    .map((line, k) => `${k === 0 ? '' : '    '}${line}`)
    .join('\n');
  const item = (label: string, text: string) =>
    wrap(`${label}${text}`, WIDTH - 6)
      .map((line, k) => `${k === 0 ? '  ' : '      '}${line}`)
      .join('\n');
  return [title, ...(rule === '' ? [] : [item('rule: ', rule)]), ...(expected === '' ? [] : [item('', expected)])].join(
    '\n',
  );
}

/**
 * A line the word wrap could not shorten (a settings list such as `timeout=20,...`, written
 * without spaces so that it pastes into --config) broken after commas, each piece within `width`.
 */
function splitAtCommas(line: string, width: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(',', width - 1);
    if (cut <= 0) break;
    out.push(rest.slice(0, cut + 1));
    rest = rest.slice(cut + 1);
  }
  return [...out, rest];
}
