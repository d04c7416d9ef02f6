#!/usr/bin/env node
/**
 * Builds the C-layer bridge (adapters/clayer) when it can, and never fails the install when it
 * cannot: the child host program (needs a C compiler) and the in-process addon (needs node-gyp
 * and a C++ compiler). Each missing part is recorded with its reason, so that loadNativeLayer
 * can say why; nothing else is affected.
 *
 *   node scripts/build-clayer.js            # build what it can, exit 0 either way
 *   node scripts/build-clayer.js --strict   # exit 1 when a part could not be built (CI)
 *   node scripts/build-clayer.js --host     # only the host program (fast: one cc call)
 *
 * The outcome is written to adapters/clayer/build/clayer-build.json: { host, addon: { ok, reason } }.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'adapters', 'clayer');
const buildDir = path.join(dir, 'build');
const statusFile = path.join(buildDir, 'clayer-build.json');
const strict = process.argv.includes('--strict');
const hostOnly = process.argv.includes('--host');

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `${cmd} not runnable (${r.error.code || r.error.message})` };
  if (r.status !== 0) {
    process.stderr.write((r.stdout || '') + (r.stderr || ''));
    const line = ((r.stdout || '') + (r.stderr || '')).split('\n').find((l) => /error/i.test(l)) || `exit ${r.status}`;
    return { ok: false, reason: `${cmd} failed: ${line.trim()}` };
  }
  return { ok: true, reason: `${cmd} ok` };
}

function buildHost() {
  if (process.env.RDMACHECK_SKIP_CLAYER) return { ok: false, reason: 'skipped: RDMACHECK_SKIP_CLAYER is set' };
  const cc = process.env.CC || 'cc';
  const tmp = path.join(buildDir, `rdmacheck-layer-host.${process.pid}.tmp`);
  const args = [
    '-std=c11',
    '-D_GNU_SOURCE',
    '-O2',
    '-g',
    '-Wall',
    '-Wextra',
    '-o',
    tmp,
    path.join(dir, 'src', 'host.c'),
    path.join(dir, 'src', 'dispatch.c'),
    '-ldl',
  ];
  const r = run(cc, args, dir);
  // Built beside, then renamed: a process starting the host never sees half a binary.
  if (r.ok) fs.renameSync(tmp, path.join(buildDir, 'rdmacheck-layer-host'));
  return r.ok
    ? { ok: true, reason: `${cc} built the layer host` }
    : { ok: false, reason: `no C compiler could build the layer host: ${r.reason}` };
}

/** node-gyp: npm's bundled copy (works offline), else a local one. */
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

function buildAddon() {
  if (process.env.RDMACHECK_SKIP_CLAYER) return { ok: false, reason: 'skipped: RDMACHECK_SKIP_CLAYER is set' };
  const gyp = findNodeGyp();
  if (!gyp) return { ok: false, reason: "node-gyp not found (neither npm's bundled copy nor a local one)" };
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  // `configure build`, not `rebuild`: rebuild would wipe build/, where the host program lives.
  const args = [gyp, 'configure', 'build'];
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) args.push(`--nodedir=${prefix}`);
  const r = run(process.execPath, args, dir);
  return r.ok
    ? { ok: true, reason: 'node-gyp built the in-process addon' }
    : { ok: false, reason: r.reason.replace(process.execPath, 'node-gyp') };
}

fs.mkdirSync(buildDir, { recursive: true });
const previous = fs.existsSync(statusFile) ? JSON.parse(fs.readFileSync(statusFile, 'utf8')) : {};
const status = {
  host: buildHost(),
  addon: hostOnly ? previous.addon || { ok: false, reason: 'not built yet' } : buildAddon(),
};
fs.writeFileSync(statusFile, JSON.stringify(status, null, 2) + '\n');
for (const [part, s] of Object.entries(status))
  console.log(`build-clayer: ${part}: ${s.ok ? 'built' : 'not built'}: ${s.reason}`);
process.exit(strict && !(status.host.ok && status.addon.ok) ? 1 : 0);
