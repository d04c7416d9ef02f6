/**
 * The side-by-side comparison's pieces (adapters/fabric/side-by-side): the case file parses, both
 * sides' outputs are summarized the same way, and agreement means same ends, reports and errors.
 */
import { join } from 'node:path';
import { agree, fabricFaults, fillArgs, readCases, renderTable, summarize } from '../../adapters/fabric/side-by-side';

const cases = readCases(join(__dirname, '..', '..', 'scripts', 'vm', 'perftest-cases.txt'));
const SEND_LAT_OUT = [
  ' #bytes #iterations    t_min[usec]    t_max[usec]  t_typical[usec]',
  ' 2       5          177.32         253.33       193.56   \t       193.56',
].join('\n');

describe('the side-by-side cases and their comparison', () => {
  it('the case file names the five perftest programs and pingpong, each with a device, GID and port to fill', () => {
    expect(new Set(cases.map((c) => c.command))).toEqual(
      new Set(['ib_send_lat', 'ib_write_lat', 'ib_read_lat', 'ib_atomic_lat', 'ib_write_bw', 'ibv_rc_pingpong']),
    );
    for (const c of cases) expect(c.args.join(' ')).toMatch(/\{dev\}.*\{gid\}.*\{port\}/);
    expect(fillArgs(['-d', '{dev}', '-x', '{gid}', '-p', '{port}'], { dev: 'rxe0', gid: 1, port: 7 })).toEqual([
      '-d',
      'rxe0',
      '-x',
      '1',
      '-p',
      '7',
    ]);
  });

  it('persistent-drop cases are short and lose everything the client sends on the fabric', () => {
    const drops = cases.filter((c) => c.fault === 'drop-client');
    expect(drops.length).toBeGreaterThan(0);
    for (const c of drops) {
      expect(c.limitS).toBeLessThanOrEqual(20);
      expect(fabricFaults(c).map((f) => [f.kind, 'host' in f ? f.host : undefined])).toEqual([
        ['drop-request', 'B'],
        ['drop-response', 'A'],
      ]);
    }
  });

  it('summarizes a report row, an exit status, the limit, and error lines without varying addresses', () => {
    expect(summarize(SEND_LAT_OUT, '', { code: 0, limit: false })).toEqual({
      end: 'completed',
      report: '2 B x 5',
      errors: [],
    });
    expect(summarize('1000 iters in 0.52 seconds = 0.5 usec/iter\n', '', { code: 0, limit: false }).report).toBe(
      '1000 iters',
    );
    expect(
      summarize('', 'Device not recognized to implement inline feature. Disabling it\n', { code: 124, limit: true }),
    ).toEqual({
      end: 'ran to the limit',
      report: '-',
      errors: [],
    });
    expect(
      summarize('', ' Failed status 12: wr_id 0 syndrom 0x0\nremote addr 0x7f12a4c3b000\n', { code: 17, limit: false }),
    ).toEqual({
      end: 'exit 17',
      report: '-',
      errors: ['Failed status 12: wr_id 0 syndrom 0x0', 'remote addr 0x…'],
    });
  });

  it("perftest's CPU-clock scatter warning (seen on a loaded guest) is a note, not an error line", () => {
    const stderr = 'Correlation coefficient r^2: 0.691428 < 0.9\nFailed status 12: wr_id 0 syndrom 0x0\n';
    expect(summarize('', stderr, { code: 124, limit: true }).errors).toEqual(['Failed status 12: wr_id 0 syndrom 0x0']);
  });

  it('agreement needs the same end, report and errors on both sides of both programs', () => {
    const done = summarize(SEND_LAT_OUT, '', { code: 0, limit: false });
    const failed = summarize('', 'Completion with error at client\n', { code: 17, limit: false });
    expect(agree({ server: done, client: done }, { server: done, client: done })).toBe(true);
    expect(agree({ server: done, client: done }, { server: done, client: failed })).toBe(false);
    const table = renderTable([
      { c: cases[0], fabric: { server: done, client: done }, kernel: { server: done, client: failed } },
      { c: cases[1], fabric: { server: done, client: done } },
    ]);
    expect(table.split('\n')).toHaveLength(4);
    expect(table).toMatch(/\| \*\*no\*\* \|$/m);
    expect(table).toMatch(/not run \| - \|$/m);
  });
});
