/**
 * Debian's unmodified perftest (ib_send_lat, ib_write_lat, ib_read_lat, ib_atomic_lat,
 * ib_write_bw) on the fabric: server and client run to completion and print their report, with
 * --use_old_post_send and without it, and the trace shows the opcode each one posts. perftest
 * 4.5 posts through the extended QP API (ibv_wr_*) only on devices it recognizes (mlx5, EFA,
 * HNS); on any other device, the fabric's as rxe, it falls back to ibv_post_send and says
 * "ibv_wr* API : OFF" (test/fabric/wr-api.test.ts drives the extended API itself). The
 * programs link libmlx5, libefa and librdmacm, for which the build makes stand-ins
 * (adapters/fabric/libibverbs/stubs).
 */
import type { FabricRun } from '../../adapters/fabric';
import type { Fault } from '../../src/core/scenario';
import { describeFabric } from './helpers';
import { PERFTEST_PROGRAMS, UNKNOWN_DEVICE_NOTE, perftest, reportRow } from './perftest-helpers';

const ITERATIONS = 5;

function expectCompleted(run: FabricRun, title: RegExp): void {
  for (const p of run.programs) {
    const stderr = p.stderr
      .split('\n')
      .filter((line) => line !== '' && line !== UNKNOWN_DEVICE_NOTE)
      .join('\n');
    expect({ host: p.host, code: p.code, signal: p.signal, stderr, idle: p.stoppedIdle, timedOut: p.timedOut }).toEqual(
      { host: p.host, code: 0, signal: null, stderr: '', idle: false, timedOut: false },
    );
    expect(p.stdout).toMatch(title);
    expect(p.stdout).toMatch(/Device\s+: rdmacheck0/);
  }
}

for (const api of ['--use_old_post_send', 'default post API'] as const) {
  describeFabric(
    `fabric perftest (${api})`,
    PERFTEST_PROGRAMS.map((p) => p.command),
  )(`perftest on the fabric, ${api}`, () => {
    const oldPostApi = api === '--use_old_post_send';
    for (const { command, op, title } of PERFTEST_PROGRAMS) {
      it(`${command} -n ${ITERATIONS} completes on both sides and reports ${ITERATIONS} iterations`, async () => {
        const run = await perftest(command, ITERATIONS, { oldPostApi });
        expectCompleted(run, title);
        // Not a device perftest knows: it posts with ibv_post_send either way.
        for (const p of run.programs) expect(p.stdout).toMatch(/ibv_wr\* API\s+: OFF/);
        // Latency tests print their row on the side that measures (both for send/write, the client for read/atomic).
        const rows = run.programs.map((p) => reportRow(p.stdout)).filter((r) => r !== undefined);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect(row.iterations).toBe(ITERATIONS);
        const posted = run.execution.trace.filter((e) => e.kind === 'Send' && !e.retransmit && e.op === op);
        expect(posted.length).toBeGreaterThanOrEqual(ITERATIONS);
        const failed = run.execution.trace.filter(
          (e) => e.kind === 'Completion' && e.wc.status !== 'SUCCESS' && e.wc.status !== 'WR_FLUSH_ERR',
        );
        expect(failed).toEqual([]);
      }, 90_000);
    }
  });
}

describeFabric('fabric perftest (endless retries)', ['ib_send_lat'])(
  'perftest under a persistent drop on nic rxe',
  () => {
    it('retries forever (retry_cnt 7 on rxe): both sides run until the run is stopped, and the fabric stays up', async () => {
      const faults: Fault[] = [
        { kind: 'drop-request', host: 'B', path: 0, count: 'all' },
        { kind: 'drop-response', host: 'A', path: 0, count: 'all' },
      ];
      const run = await perftest('ib_send_lat', ITERATIONS, { config: { nic: 'rxe' }, faults, timeoutMs: 4000 });
      for (const p of run.programs)
        expect({ host: p.host, timedOut: p.timedOut }).toEqual({ host: p.host, timedOut: true });
      const retransmits = run.execution.trace.filter((e) => e.kind === 'Send' && e.retransmit).length;
      expect(retransmits).toBeGreaterThan(7); // more than retry_cnt: rxe's 7 is forever
      expect(run.execution.end.reason).not.toBe('event-limit'); // paced to real time, not run into the limit
    }, 60_000);
  },
);
