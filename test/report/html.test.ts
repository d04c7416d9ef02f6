import { renderHtml } from '../../src/report/html';
import type { Report } from '../../src/core/results';
import { makeCounterexample } from '../../src/report/counterexample';
import { sampleCounterexample } from './sample';

function sampleReport(): Report {
  return {
    layer: 'resend-all',
    adapter: 'sim',
    seed: 42,
    ok: false,
    results: [
      {
        property: 'at-most-once',
        opcode: 'WRITE',
        status: 'violated',
        runs: 12,
        counterexample: makeCounterexample(sampleCounterexample()),
      },
      { property: 'at-most-once', opcode: 'READ', status: 'holds', runs: 100 },
      { property: 'failure-masking', opcode: 'WRITE', status: 'unknown', runs: 40, reason: 'time limit <hit>' },
    ],
  };
}

describe('HTML report', () => {
  const html = renderHtml(sampleCounterexample(), { file: 'cx.yaml' });

  test('is one self-contained page: no scripts, no external URLs, a CSP that forbids fetching', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|@import|url\(http|src=|href="http/i);
    expect(html).toContain("default-src 'none'");
    // The only URL is the SVG namespace identifier, which is never fetched.
    expect(html.match(/https?:\/\/[^"\s<]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  test('holds the explanation, the replay command and an SVG sequence chart with a row per event', () => {
    expect(html).toContain('WR 1 (WRITE [3] := 7) took effect twice');
    expect(html).toContain('npx rdmacheck replay cx.yaml');
    expect(html).toMatch(/<svg class="chart"/);
    expect(html.match(/<g class="event" data-i="\d+"/g)).toHaveLength(sampleCounterexample().trace.length);
  });

  test('witness rows are highlighted, faults banded', () => {
    expect(html.match(/class="row-witness"/g)).toHaveLength(3);
    expect(html.match(/class="row-fault"/g)).toHaveLength(1);
    expect(html).toContain('class="band-fault"');
  });

  test('everything from the trace is escaped', () => {
    const evil = sampleCounterexample();
    evil.explanation = '<img src=x onerror=alert(1)> & "quotes"';
    evil.layer = '<script>alert(1)</script>';
    evil.trace[6] = {
      ...evil.trace[6],
      kind: 'AckLost',
      reason: '</text><script>x</script>',
    } as (typeof evil.trace)[6];
    const out = renderHtml(evil);
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
  });

  test('a report page shows the audit matrix; violated cells link to their counterexample', () => {
    const page = renderHtml(sampleReport());
    expect(page).toContain('<table class="matrix">');
    expect(page).toMatch(/<th>WRITE<\/th><th>READ<\/th>/);
    expect(page).toContain('<td class="violated"><a href="#cx0">violated <span class="runs">(12)</span></a></td>');
    expect(page).toContain('<td class="holds">holds <span class="runs">(100)</span></td>');
    expect(page).toContain('title="time limit &lt;hit&gt;"');
    expect(page).toContain('<section id="cx0">');
  });

  test('a report with coverage shows a heat map: shaded by share of the column, never-exercised classes hatched', () => {
    const page = renderHtml({
      ...sampleReport(),
      coverage: {
        WRITE: { 'request-lost-before-execution': 12, 'qp-reset': 0 },
        READ: { 'request-lost-before-execution': 50, 'qp-reset': 1 },
      },
    });
    expect(page).toContain('<table class="heat">');
    expect(page).toMatch(/<tr><th>coverage class<\/th><th>WRITE<\/th><th>READ<\/th><\/tr>/);
    // A column's runs are its results' largest count: WRITE 40, READ 100.
    expect(page).toContain('rgba(21, 101, 192, 0.35); color: #1b1b1b" title="12 of 40 runs">12</td>');
    expect(page).toContain('rgba(21, 101, 192, 0.51); color: #1b1b1b" title="50 of 100 runs">50</td>');
    expect(page).toContain('<td class="zero" title="no run exercised qp-reset">0</td>');
    // A report without coverage (written before it existed) has no heat map.
    expect(renderHtml(sampleReport())).not.toContain('<table class="heat">');
  });

  test('rendering is deterministic', () => {
    expect(renderHtml(sampleCounterexample(), { file: 'cx.yaml' })).toBe(html);
    expect(renderHtml(sampleReport())).toBe(renderHtml(sampleReport()));
  });
});
