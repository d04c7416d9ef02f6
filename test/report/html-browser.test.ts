/**
 * The HTML report in a real browser: headless Chromium loads the page from a file (with every
 * host name unresolvable, so any network use would fail) and takes a screenshot; the test checks
 * the sequence chart's colours are on it. The screenshot is kept for a person to look at.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkLayer } from '../../src/check/checkLayer';
import { resendAll } from '../../src/layers/resendAll';
import { renderHtml } from '../../src/report/html';
import { countColor, decodePng } from './png';
import { sampleCounterexample } from './sample';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const SKIP_REASON = `${CHROMIUM} not found (install it: apt-get install -y chromium)`;
if (!available) {
  // Visible in the jest output, not only as a skipped count.
  console.warn(`html-browser.test.ts: SKIPPED: ${SKIP_REASON}`);
}

/** Where screenshots are kept: $RDMACHECK_SCREENSHOT_DIR, else a fixed folder under the temp dir. */
const SHOT_DIR = process.env.RDMACHECK_SCREENSHOT_DIR ?? join(tmpdir(), 'rdmacheck-screenshots');

/** Loads `html` in headless Chromium and writes a `width` x `height` screenshot to `png`. */
async function screenshot(html: string, png: string, width: number, height: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'rdmacheck-chromium-'));
  const page = join(work, 'report.html');
  writeFileSync(page, html);
  await promisify(execFile)(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      `--user-data-dir=${join(work, 'profile')}`,
      '--host-resolver-rules=MAP * ~NOTFOUND',
      '--hide-scrollbars',
      `--window-size=${width},${height}`,
      `--screenshot=${png}`,
      `file://${page}`,
    ],
    { timeout: 60_000 },
  );
}

const describeInBrowser = available ? describe : describe.skip;
const title = available
  ? 'HTML report in headless Chromium'
  : `HTML report in headless Chromium (SKIPPED: ${SKIP_REASON})`;

describeInBrowser(title, () => {
  test('the page renders its SVG sequence chart: witness rows, the fault band, arrows', async () => {
    mkdirSync(SHOT_DIR, { recursive: true });
    const png = join(SHOT_DIR, 'counterexample.png');
    await screenshot(renderHtml(sampleCounterexample(), { file: 'resend-all.at-most-once.yaml' }), png, 1400, 1000);
    const img = decodePng(readFileSync(png));
    expect([img.width, img.height]).toEqual([1400, 1000]);
    // Colours from html.ts's stylesheet: witness row #ffe9a8, fault row #ffdcdc, explanation #fff8e1,
    // arrows #333333; each must cover a visible area, which only happens when the SVG was drawn.
    expect(countColor(img, [0xff, 0xe9, 0xa8])).toBeGreaterThan(3 * 1000);
    expect(countColor(img, [0xff, 0xdc, 0xdc])).toBeGreaterThan(1000);
    expect(countColor(img, [0xff, 0xf8, 0xe1])).toBeGreaterThan(5000);
    expect(countColor(img, [0x33, 0x33, 0x33], 20)).toBeGreaterThan(500);
    console.log(`html-browser.test.ts: screenshot at ${png}`);
  }, 90_000);

  test('an audit report page shows the matrix and the chart of a real shrunk counterexample', async () => {
    const report = await checkLayer(resendAll, { opcodes: ['WRITE', 'FETCH_ADD'], numRuns: 30 });
    const cells = { ...report, results: report.results.filter((r) => r.opcode !== undefined) };
    mkdirSync(SHOT_DIR, { recursive: true });
    const png = join(SHOT_DIR, 'audit-report.png');
    await screenshot(renderHtml(cells), png, 1400, 1400);
    const img = decodePng(readFileSync(png));
    // Matrix cells: violated #ffebee, holds #e8f5e9; then the first counterexample's witness rows.
    expect(countColor(img, [0xff, 0xeb, 0xee], 2)).toBeGreaterThan(1000);
    expect(countColor(img, [0xe8, 0xf5, 0xe9], 2)).toBeGreaterThan(1000);
    expect(countColor(img, [0xff, 0xe9, 0xa8])).toBeGreaterThan(1000);
    console.log(`html-browser.test.ts: screenshot at ${png}`);
  }, 120_000);
});
