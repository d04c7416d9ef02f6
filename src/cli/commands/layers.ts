/** `rdmacheck layers`: the reference layers with their one-line rules and documented audits. */
import { describeLayer, layers, referenceLayerNames } from '../../layers';
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
  for (const l of list) io.stdout.write(`${describeLayer(l)}\n`);
  return EXIT.ok;
}
