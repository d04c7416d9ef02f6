#!/usr/bin/env node
/**
 * Builds the optional native ibverbs addon (adapters/native) when it can, and never fails the
 * install when it cannot: without libibverbs headers it records why and exits 0, so that
 * `npm install` works everywhere and `native.available()` can report the reason.
 *
 *   node scripts/build-native.js            # build if possible, exit 0 either way
 *   node scripts/build-native.js --strict   # exit 1 when the addon could not be built (CI)
 *
 * The outcome is written to adapters/native/build/rdmacheck-build.json: { ok, reason }.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const addonDir = path.join(root, 'adapters', 'native');
const statusFile = path.join(addonDir, 'build', 'rdmacheck-build.json');
const strict = process.argv.includes('--strict');
const header = process.env.RDMACHECK_VERBS_HEADER || '/usr/include/infiniband/verbs.h';

function record(ok, reason) {
  // A binary left from an earlier build would contradict the recorded reason: remove it.
  if (!ok) fs.rmSync(path.join(addonDir, 'build', 'Release'), { recursive: true, force: true });
  fs.mkdirSync(path.dirname(statusFile), { recursive: true });
  fs.writeFileSync(statusFile, JSON.stringify({ ok, reason }, null, 2) + '\n');
  console.log(`build-native: ${ok ? 'built' : 'not built'}: ${reason}`);
  process.exit(!ok && strict ? 1 : 0);
}

/** node-gyp: npm's bundled copy (works offline), else one on PATH. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_execpath)
    candidates.push(
      path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    );
  candidates.push(
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  );
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] }));
  } catch {
    // not installed locally: fine
  }
  return candidates.find((c) => fs.existsSync(c));
}

if (process.env.RDMACHECK_SKIP_NATIVE) record(false, 'skipped: RDMACHECK_SKIP_NATIVE is set');
if (!fs.existsSync(header)) {
  record(
    false,
    `no libibverbs headers at build time (${header} is missing; install libibverbs-dev, then run npm run build:native)`,
  );
}
const gyp = findNodeGyp();
if (!gyp) record(false, "node-gyp not found (neither npm's bundled copy nor a local one)");

// Node's own headers: a distribution install has them under <prefix>/include/node, which spares
// node-gyp a download (the build then works offline).
const prefix = path.resolve(path.dirname(process.execPath), '..');
const args = [gyp, 'rebuild'];
if (fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) args.push(`--nodedir=${prefix}`);
const started = process.hrtime.bigint();
const r = spawnSync(process.execPath, args, { cwd: addonDir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (r.status !== 0) {
  process.stderr.write(r.stdout + r.stderr);
  const firstError = (r.stdout + r.stderr).split('\n').find((l) => /error/i.test(l)) || `exit code ${r.status}`;
  record(false, `node-gyp failed: ${firstError.trim()}`);
}
record(true, `node-gyp rebuild ok in ${seconds.toFixed(1)} s`);
