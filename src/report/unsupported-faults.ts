/** The line that says an audit left fault kinds out because its adapter cannot inject them. */
import type { Report } from '../core/results';

/**
 * One sentence naming each kind left out and the adapter's reason (Report.unsupportedFaultKinds),
 * or undefined when none was left out.
 */
export function unsupportedFaultsLine(report: Pick<Report, 'adapter' | 'unsupportedFaultKinds'>): string | undefined {
  const left = report.unsupportedFaultKinds ?? [];
  if (left.length === 0) return undefined;
  const named = left.map((u) => `${u.kind} (${u.reason})`).join('; ');
  return (
    `fault kinds not drawn: the ${report.adapter} adapter cannot inject ${named}; ` +
    'every generated run drew only the other kinds (faultKinds chooses them)'
  );
}
