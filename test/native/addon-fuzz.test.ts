/**
 * Argument fuzzing of every entry point of the native addon (scripts/native-fuzz.js): bad
 * arguments are TypeErrors naming the entry point and the argument, and the process never
 * crashes. Each run is a child process, so that a crash is a failed test, not a dead jest worker.
 * Without a device only the module entry points, constructors and receivers are reachable; on
 * the fabric's simulated libibverbs (two devices) every class is, open and closed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runFabric } from '../../adapters/fabric';
import { addonPath } from '../../adapters/native/binding';
import { fabricUnavailable } from '../fabric/helpers';

const root = path.join(__dirname, '..', '..');
const fuzzScript = path.join(root, 'scripts', 'native-fuzz.js');

/** Why the addon cannot be fuzzed here; builds it first when it is missing (as npm install would). */
function addonUnavailable(): string | undefined {
  if (fs.existsSync(addonPath())) return undefined;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-native.js')], { encoding: 'utf8' });
  return fs.existsSync(addonPath())
    ? undefined
    : `the addon cannot be built here: ${r.stdout.trim() || r.stderr.trim()}`;
}

interface FuzzSummary {
  device: string | null;
  entryPoints: number;
  calls: number;
  badCalls: number;
  violations: string[];
  cycles: number;
}

/** The summary line a fuzz run printed (with its exit and stderr in the error when there is none). */
function summary(stdout: string, code: number | null, signal: string | null, stderr: string): FuzzSummary {
  const line = stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{'))
    throw new Error(`native-fuzz printed no summary (exit ${code}, signal ${signal}): ${stderr}`);
  return JSON.parse(line) as FuzzSummary;
}

const noAddon = addonUnavailable();
if (noAddon) console.warn(`test/native/addon-fuzz: skipped: ${noAddon}`);
const noFabric = noAddon ?? fabricUnavailable([]);
const withAddon = noAddon ? test.skip : test;
const withFabric = noFabric ? test.skip : test;

describe('the native addon under argument fuzzing', () => {
  withAddon(
    `without a device: getDevices, openDevice, the constructors, and methods and getters on look-alike receivers${noAddon ? ` [skipped: ${noAddon}]` : ''}`,
    () => {
      const r = spawnSync(process.execPath, [fuzzScript, '--runs', '150'], {
        encoding: 'utf8',
        env: { ...process.env, RDMACHECK_FABRIC_SOCKET: '' },
      });
      expect({ code: r.status, signal: r.signal }).toEqual({ code: expect.any(Number), signal: null });
      const s = summary(r.stdout, r.status, r.signal, r.stderr);
      expect(s.violations).toEqual([]);
      expect(r.status).toBe(0);
      // 2 module functions, 5 constructors, 8 getters (on look-alike and foreign receivers).
      if (s.device === null) expect(s.entryPoints).toBe(15);
      expect(s.badCalls).toBeGreaterThan(300);
    },
  );

  withFabric(
    `on the fabric's two simulated devices: every entry point of Context, Pd, Mr, Cq and Qp, with open, closed and look-alike handles${noFabric ? ` [skipped: ${noFabric}]` : ''}`,
    async () => {
      const run = await runFabric({
        programs: [{ command: process.execPath, args: ['--expose-gc', fuzzScript, '--runs', '150', '--cycles', '5'] }],
        timeoutMs: 60_000,
      });
      const p = run.programs[0];
      expect({ signal: p.signal, timedOut: p.timedOut }).toEqual({ signal: null, timedOut: false });
      const s = summary(p.stdout, p.code, p.signal, p.stderr);
      expect(s.violations).toEqual([]);
      expect(p.code).toBe(0);
      expect(s.device).toBe('rdmacheck0');
      // 2 module functions, 5 constructors, 17 methods (6 Context, 3 Pd, 1 Mr, 2 Cq, 5 Qp), 8 getters.
      expect(s.entryPoints).toBe(32);
      expect(s.badCalls).toBeGreaterThan(1500);
      expect(s.cycles).toBe(5);
    },
    90_000,
  );
});
