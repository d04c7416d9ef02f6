/**
 * The native backend reports plainly why it cannot run, and never crashes on bad arguments.
 * These run on any host; the parts that need the compiled addon skip visibly when it is absent.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { native, runAgent } from '../../adapters/native';
import { availability, loadAddon, nativeDir, resetAddonCache } from '../../adapters/native/binding';
import type { VerbsAddon } from '../../adapters/native/binding';

const load = loadAddon();
const built = load.addon as VerbsAddon | undefined;
const hostAvailability = availability();
const hasDevice = hostAvailability.ok;
if (!built) console.warn(`test/native: addon tests skipped: ${load.reason}`);

/** test or describe, or its .skip with the reason in the title (visible in jest's report). */
function when<F extends typeof test | typeof describe>(
  fn: F,
  runs: boolean,
  whyNot: string,
): (name: string, body: () => void | Promise<void>) => void {
  return (name, body) => (runs ? fn(name, body as never) : fn.skip(`${name} [skipped: ${whyNot}]`, body as never));
}
const NO_ADDON = `the addon is not built here (${load.reason})`;
const HAS_ADDON = 'the addon is built here';
const NO_DEVICE = `the native backend cannot run here (${hostAvailability.ok ? '' : hostAvailability.reason})`;
const HAS_DEVICE = 'this host has an RDMA device';

/** What scripts/build-native.js recorded about the last build here, if it ran. */
function recordedBuild(): { ok: boolean; reason: string } | undefined {
  const file = path.join(nativeDir(), 'build', 'rdmacheck-build.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

afterEach(() => {
  delete process.env.RDMACHECK_NATIVE_ADDON;
  resetAddonCache();
});

describe('native.available() names the cause when the backend cannot run', () => {
  test('a missing addon binary is reported as "addon not built" with the build\'s reason', () => {
    process.env.RDMACHECK_NATIVE_ADDON = path.join(os.tmpdir(), 'rdmacheck-no-such-addon.node');
    resetAddonCache();
    const a = native.available();
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/^addon not built \(.*rdmacheck-no-such-addon\.node is missing\)/);
  });

  test('a file that is not a loadable addon is reported as a load failure, not a crash', () => {
    const bogus = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-')), 'bogus.node');
    fs.writeFileSync(bogus, 'not an ELF file');
    process.env.RDMACHECK_NATIVE_ADDON = bogus;
    resetAddonCache();
    const a = native.available();
    expect(a).toEqual({ ok: false, reason: expect.stringMatching(/^addon failed to load: /) });
  });

  when(
    test,
    !built,
    HAS_ADDON,
  )('without the addon, the reason names the missing binary and how to build it', () => {
    const a = native.available();
    if (a.ok) throw new Error('native.available() is ok although the addon is not built');
    expect(a.reason).toMatch(/^addon not built \(.*build\/Release\/rdmacheck_verbs\.node is missing\): /);
    const build = recordedBuild();
    // A failed build's own reason is the most precise fix; otherwise the reason says how to build.
    if (build && !build.ok) expect(a.reason.endsWith(`: ${build.reason}`)).toBe(true);
    else expect(a.reason).toMatch(/run npm run build:native/);
  });

  when(
    test,
    built !== undefined && !hasDevice,
    built ? HAS_DEVICE : NO_ADDON,
  )('with the addon but no device, the reason says "no RDMA device"', () => {
    const a = native.available();
    expect(a).toEqual({ ok: false, reason: expect.stringMatching(/^no RDMA device: /) });
  });

  when(
    test,
    hasDevice,
    NO_DEVICE,
  )('with a device, available() lists the devices and the loaded addon', () => {
    const a = native.available();
    if (!a.ok) throw new Error(`native.available() is not ok: ${a.reason}`);
    expect(a.devices.length).toBeGreaterThan(0);
    expect(fs.existsSync(a.addonPath)).toBe(true);
  });

  test('asking for a device that does not exist names it, or the piece missing before it', () => {
    const a = native.available({ devices: ['rdmacheck-no-such-dev'] });
    if (a.ok) throw new Error('native.available() is ok for a device that does not exist');
    // Checks run in order (addon, libibverbs, any device, the named ones): the first failure is reported.
    if (hostAvailability.ok) expect(a.reason).toMatch(/^no RDMA device named rdmacheck-no-such-dev \(found .+\)$/);
    else expect(a.reason).toBe(hostAvailability.reason);
  });
});

describe('scripts/build-native.js never fails an install', () => {
  test('without libibverbs headers it exits 0 and records why', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-build-'));
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.mkdirSync(path.join(root, 'adapters', 'native'), { recursive: true });
    fs.copyFileSync(
      path.join(__dirname, '../../scripts/build-native.js'),
      path.join(root, 'scripts', 'build-native.js'),
    );
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-native.js')], {
      env: { ...process.env, RDMACHECK_VERBS_HEADER: path.join(root, 'no-verbs.h') },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const status = JSON.parse(
      fs.readFileSync(path.join(root, 'adapters', 'native', 'build', 'rdmacheck-build.json'), 'utf8'),
    );
    expect(status).toEqual({ ok: false, reason: expect.stringContaining('no libibverbs headers at build time') });
  });

  test('with --strict it exits 1 instead (for CI stages that need the addon)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-build-'));
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.copyFileSync(
      path.join(__dirname, '../../scripts/build-native.js'),
      path.join(root, 'scripts', 'build-native.js'),
    );
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-native.js'), '--strict'], {
      env: { ...process.env, RDMACHECK_VERBS_HEADER: path.join(root, 'no-verbs.h') },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
  });
});

describe('native(options) checks its options with TypeErrors', () => {
  const paths = [{ device: 'rxe0' }];
  test('agent must name a host and a port', () => {
    expect(() => native({ agent: { host: 'h', port: 0 }, paths })).toThrow(TypeError);
    expect(() => native({ agent: undefined as never, paths })).toThrow(/native: agent must be/);
  });
  test('paths must list devices', () => {
    expect(() => native({ agent: { host: 'h', port: 1 }, paths: [] })).toThrow(/native: paths must list/);
  });
  test('retryCnt 7 is refused: rdma_rxe retries forever with it', () => {
    expect(() => native({ agent: { host: 'h', port: 1 }, paths, retryCnt: 7 })).toThrow(/0\.\.6/);
  });
  test('the adapter declares inferred execution and a reason for every fault it cannot inject', () => {
    const a = native({ agent: { host: 'h', port: 1 }, paths });
    expect(a.capabilities.observesExecution).toBe('inferred');
    expect(a.capabilities.deterministic).toBe(false);
    expect(a.capabilities.faults['corrupt-wqe']).toEqual({
      supported: false,
      reason: expect.stringContaining('verbs'),
    });
    expect(a.capabilities.faults['link-down'].supported).toBe(true);
    for (const cap of Object.values(a.capabilities.faults)) expect(cap.reason).toEqual(expect.any(String));
  });
});

when(
  describe,
  !hasDevice,
  HAS_DEVICE,
)('without a device, running refuses with the reason instead of pretending', () => {
  test('native(...).run rejects naming why the backend is unavailable', async () => {
    const a = native({ agent: { host: '127.0.0.1', port: 9 }, paths: [{ device: 'rxe0' }] });
    await expect(
      a.run(
        { workload: [], faults: [] },
        { name: 'x', create: () => ({ postSend() {}, postRecv() {}, onCompletion() {} }) },
      ),
    ).rejects.toThrow(/^native\.run: the native ibverbs backend is unavailable: /);
  });
  test('runAgent rejects naming why the backend is unavailable', async () => {
    await expect(runAgent({ port: 0, paths: [{ device: 'rxe0' }], log: () => undefined })).rejects.toThrow(
      /^runAgent: the native ibverbs backend is unavailable: /,
    );
  });
  test('runAgent checks its arguments with TypeErrors', async () => {
    await expect(runAgent({ port: -1, paths: [{ device: 'rxe0' }] })).rejects.toThrow(TypeError);
    await expect(runAgent({ port: 0, paths: [] })).rejects.toThrow(TypeError);
  });
});

when(
  describe,
  built !== undefined,
  NO_ADDON,
)('the addon: argument errors are TypeErrors, verbs errors carry verb, errno and code', () => {
  // The addon's errors come from Node's own realm, not jest's sandbox: compare names, not classes.
  test('it exports the documented entry points: getDevices, openDevice, abiVersion 1 and the handle classes', () => {
    const exported = built as unknown as Record<string, unknown>;
    expect(typeof built!.getDevices).toBe('function');
    expect(typeof built!.openDevice).toBe('function');
    expect(built!.abiVersion).toBe(1);
    for (const cls of ['Context', 'Pd', 'Mr', 'Cq', 'Qp'])
      expect([cls, typeof exported[cls]]).toEqual([cls, 'function']);
  });
  test('getDevices lists devices as { name, guid, transport }, or throws a verbs error naming the verb', () => {
    let devices: unknown;
    try {
      devices = built!.getDevices();
    } catch (e) {
      expect(e).toMatchObject({ verb: expect.stringMatching(/^ibv_/), code: expect.stringMatching(/^E[A-Z]+$/) });
      return;
    }
    expect(Array.isArray(devices)).toBe(true);
    for (const d of devices as unknown[])
      expect(d).toEqual({ name: expect.any(String), guid: expect.any(String), transport: expect.any(String) });
  });
  test('openDevice needs a string', () => {
    const err = thrown(() => built!.openDevice(42 as unknown as string));
    expect(err).toMatchObject({
      name: 'TypeError',
      message: expect.stringMatching(/^openDevice: name must be a string/),
    });
  });
  test('classes cannot be constructed directly', () => {
    const Qp = (built as unknown as Record<string, new () => unknown>).Qp;
    expect(() => new Qp()).toThrow(/Qp: do not construct directly; use pd\.createQp/);
  });
  when(
    test,
    !hasDevice,
    HAS_DEVICE,
  )('with no RDMA in the kernel, the error names the verb and the errno', () => {
    const err = thrown(() => built!.openDevice('rxe0'));
    expect(err).toMatchObject({
      name: 'Error',
      verb: expect.stringMatching(/^ibv_/),
      errno: expect.any(Number),
      code: expect.stringMatching(/^E[A-Z]+$/),
    });
    expect(err!.message).toMatch(/^ibv_\w+ failed: .* \(errno \d+, E[A-Z]+\)$/);
  });
});

/** The error `fn` throws (undefined when it does not throw). */
function thrown(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}
