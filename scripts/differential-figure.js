#!/usr/bin/env node
/**
 * Publishes the differential stage's agreement figure in README.md, between the markers
 * <!-- differential:begin --> and <!-- differential:end -->, from the summary the Soft-RoCE stage
 * wrote (test/native-vm/differential.test.ts; scripts/ci-native.sh brings it back to
 * .vm/pair/a/rdmacheck-differential.json).
 *
 *   npm run differential:figure [-- <summary.json>]
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const summaryPath = process.argv[2] || path.join(root, '.vm', 'pair', 'a', 'rdmacheck-differential.json');
if (!fs.existsSync(summaryPath)) {
  console.error(`differential-figure: no summary at ${summaryPath}; run scripts/ci-native.sh first (it writes it)`);
  process.exit(2);
}
const s = JSON.parse(fs.readFileSync(summaryPath, 'utf8'));
const differ = s.differ || [];
const unexplained = differ.filter((d) => !d.known);
const figure = differ.length
  ? `${s.agree} of ${s.total} scenarios agree; the ${differ.length} that differ are listed in ` +
    `[docs/simulator.md](docs/simulator.md#differential-stage) with the reason (${differ.map((d) => d.name).join('; ')})` +
    (unexplained.length ? `; ${unexplained.length} of them not yet explained.` : '.')
  : `${s.agree} of ${s.total} scenarios agree; none differ (earlier measurements and why they differed: ` +
    `[docs/simulator.md](docs/simulator.md#differential-stage)).`;
const readme = path.join(root, 'README.md');
const text = fs.readFileSync(readme, 'utf8');
const re = /(<!-- differential:begin -->\n)[\s\S]*?(\n<!-- differential:end -->)/;
if (!re.test(text)) {
  console.error(
    'differential-figure: README.md has no <!-- differential:begin --> ... <!-- differential:end --> markers',
  );
  process.exit(2);
}
fs.writeFileSync(readme, text.replace(re, `$1${figure}$2`));
console.log(`differential-figure: ${figure}`);
