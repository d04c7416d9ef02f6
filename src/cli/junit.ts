/** The audit as JUnit XML, for CI systems that show test reports. */
import type { Report } from '../core/results';
import { renderText } from '../report/text';

/** One <testsuite> with a <testcase> per property and op class; violations are failures, unknown is skipped. */
export function junitReport(report: Report): string {
  const cases = report.results.map((r) => {
    const name = `${r.property}${r.opcode ? ` [${r.opcode}]` : ''}`;
    const open = `    <testcase classname="rdmacheck.${xml(report.layer)}" name="${xml(name)}">`;
    if (r.status === 'holds') return `${open}</testcase>`;
    if (r.status === 'unknown') return `${open}<skipped message="${xml(r.reason ?? 'unknown')}"/></testcase>`;
    const cx = r.counterexample;
    const message = cx?.explanation ?? 'violated';
    const body = cx === undefined ? '' : renderText(cx);
    return `${open}\n      <failure message="${xml(message)}" type="${xml(r.property)}">${xml(body)}</failure>\n    </testcase>`;
  });
  const failures = report.results.filter((r) => r.status === 'violated').length;
  const skipped = report.results.filter((r) => r.status === 'unknown').length;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="rdmacheck" tests="${report.results.length}" failures="${failures}">
  <testsuite name="rdmacheck audit ${xml(report.layer)}" tests="${report.results.length}" failures="${failures}" skipped="${skipped}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

/** Escapes text for XML attributes and content; drops characters XML 1.0 forbids. */
function xml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these control characters, so the regex must name them
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
      .replace(
        /[&<>"']/g,
        (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
      )
  );
}
