/**
 * `--config`: the settings every generated scenario takes as given (ScenarioSettings), read from
 * KEY=VALUE pairs, or "drawn" to draw every one even for a layer that declares its own.
 */
import type { ScenarioSettings } from '../core/scenario';
import { DEFAULT_CONFIG, OPTIONAL_CONFIG_KEYS } from '../core/scenario';
import { validateScenario } from '../core/validate';
import { DURATION_FORM, durationOption } from './args';
import { CliError } from './errors';

/** The accepted form, for usage lines and errors. */
export const SETTINGS_FORM = 'KEY=VALUE pairs, comma-separated (e.g. timeout=14,retryCnt=7,livenessNs=60s), or drawn';

/** Keys generated scenarios draw themselves (or get from their own options): not settable here. */
const DRAWN_KEYS = ['paths', 'memoryWords', 'maxEvents'];

/** The settings of `--config`, or undefined when absent (then the layer's own apply). */
export function settingsOption(command: string, raw: string | boolean | undefined): ScenarioSettings | undefined {
  if (raw === undefined) return undefined;
  const bad = (why: string): never => {
    throw new CliError(`rdmacheck ${command}: --config ${why}; give ${SETTINGS_FORM}`);
  };
  if (typeof raw !== 'string' || raw.trim() === '') return bad('needs a value');
  if (raw.trim() === 'drawn') return {};
  const settings: Record<string, unknown> = {};
  for (const pair of raw.split(',')) {
    const [key, value, extra] = pair.split('=').map((x) => x.trim());
    if (value === undefined || extra !== undefined || key === '' || value === '') bad(`has "${pair}"`);
    if (!(key in DEFAULT_CONFIG) && !(OPTIONAL_CONFIG_KEYS as string[]).includes(key))
      bad(`names an unknown setting "${key}" (known: ${Object.keys(DEFAULT_CONFIG).join(', ')})`);
    if (DRAWN_KEYS.includes(key)) bad(`cannot set ${key}: generated scenarios draw it`);
    const kind = typeof DEFAULT_CONFIG[key as keyof typeof DEFAULT_CONFIG];
    if (kind === 'object' || kind === 'undefined')
      bad(`cannot set ${key} (not a single value): declare it in the layer's config`);
    if (kind === 'boolean') {
      if (value !== 'true' && value !== 'false') bad(`${key} must be true or false (got "${value}")`);
      settings[key] = value === 'true';
    } else if (kind === 'string') settings[key] = value;
    else if (/^\d+$/.test(value)) settings[key] = Number(value);
    else if (key.endsWith('Ns')) settings[key] = durationOption(command, 'config', value);
    else bad(`${key} must be an integer (got "${value}")${key.endsWith('Ns') ? `, or ${DURATION_FORM}` : ''}`);
  }
  try {
    validateScenario({ config: settings, workload: [], faults: [] });
  } catch (err) {
    bad((err as Error).message.replace(/^scenario\.config\./, ''));
  }
  return settings as ScenarioSettings;
}
