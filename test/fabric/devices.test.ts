/** Debian's unmodified ibv_devices and ibv_devinfo see the fabric's devices and ports. */
import { runFabric } from '../../adapters/fabric';
import { describeFabric } from './helpers';

describeFabric('fabric devices', ['ibv_devices', 'ibv_devinfo'])(
  'the fabric devices, seen by unmodified programs',
  () => {
    it('ibv_devices lists one device per path, with its GUID', async () => {
      const run = await runFabric({ programs: [{ command: 'ibv_devices' }], scenario: { config: { paths: 3 } } });
      const [out] = run.programs;
      expect(out.code).toBe(0);
      const names = [...out.stdout.matchAll(/^\s+(rdmacheck\d+)\s+([0-9a-f]{16})$/gm)].map((m) => m[1]);
      expect(names).toEqual(['rdmacheck0', 'rdmacheck1', 'rdmacheck2']);
    });

    it('ibv_devinfo shows each port ACTIVE on Ethernet (RoCE), with a RoCE v2 GID', async () => {
      const run = await runFabric({ programs: [{ command: 'ibv_devinfo', args: ['-v'] }] });
      const [out] = run.programs;
      expect(out.code).toBe(0);
      expect(out.stdout.match(/^hca_id:\s+(\S+)/gm)).toEqual(['hca_id:\trdmacheck0', 'hca_id:\trdmacheck1']);
      expect(out.stdout.match(/state:\s+PORT_ACTIVE \(4\)/g)).toHaveLength(2);
      expect(out.stdout.match(/link_layer:\s+Ethernet/g)).toHaveLength(2);
      expect(out.stdout).toMatch(/GID\[\s*0\]:\s+::ffff:10\.0\.0\.1, RoCE v2/);
      expect(out.stdout).toMatch(/GID\[\s*0\]:\s+::ffff:10\.0\.1\.1, RoCE v2/);
    });

    it('a NIC that a fault killed shows its port DOWN', async () => {
      const run = await runFabric({
        programs: [{ command: 'ibv_devinfo', args: ['-d', 'rdmacheck1'] }],
        scenario: { faults: [{ kind: 'nic-death', host: 'A', path: 1, after: { on: 'start' } }] },
      });
      expect(run.programs[0].stdout).toMatch(/state:\s+PORT_DOWN \(1\)/);
    });
  },
);
