/**
 * Debian's unmodified ibv_rc_pingpong on the fabric: a clean run completes with its usual
 * summary; a run whose client never gets a response fails in the client with its own message
 * after retry_cnt (7) retransmissions, and the trace shows why; the same scenario gives the
 * same trace, run after run.
 */
import { runFabric } from '../../adapters/fabric';
import type { FabricRun } from '../../adapters/fabric';
import type { Fault } from '../../src/core/scenario';
import { describeFabric, freePort } from './helpers';

/** Server (host A) and client (host B) of ibv_rc_pingpong, RoCE addressing (-g 0). */
function pingpong(iterations: number, faults: Fault[] = [], extra: string[] = []): Promise<FabricRun> {
  const port = String(freePort());
  const common = ['-p', port, '-g', '0', '-n', String(iterations), ...extra];
  return runFabric({
    programs: [
      { command: 'ibv_rc_pingpong', args: common },
      { command: 'ibv_rc_pingpong', args: [...common, 'localhost'], waitForListen: Number(port) },
    ],
    scenario: { faults },
    idleAfterExitMs: 300,
    timeoutMs: 60_000,
  });
}

/** Every response to the client's (host B's) requests is lost. */
const DROP_CLIENT_RESPONSES: Fault[] = [{ kind: 'drop-response', host: 'B', path: 0, count: 'all' }];

describeFabric('fabric pingpong')('ibv_rc_pingpong on the fabric', () => {
  it('completes 1000 iterations on both sides and prints its summary', async () => {
    const run = await pingpong(1000);
    for (const p of run.programs) {
      expect({ host: p.host, code: p.code, stderr: p.stderr, idle: p.stoppedIdle, timedOut: p.timedOut }).toEqual({
        host: p.host,
        code: 0,
        stderr: '',
        idle: false,
        timedOut: false,
      });
      expect(p.stdout).toMatch(/^8192000 bytes in [\d.]+ seconds = [\d.]+ Mbit\/sec$/m);
      expect(p.stdout).toMatch(/^1000 iters in [\d.]+ seconds = [\d.]+ usec\/iter$/m);
    }
    const trace = run.execution.trace;
    const sends = (host: string) => trace.filter((e) => e.kind === 'Send' && e.host === host && !e.retransmit);
    expect(sends('A')).toHaveLength(1000);
    expect(sends('B')).toHaveLength(1000);
    const failed = trace.filter(
      (e) => e.kind === 'Completion' && e.wc.status !== 'SUCCESS' && e.wc.status !== 'WR_FLUSH_ERR',
    );
    expect(failed).toEqual([]);
    // The QPs' PSNs count from 0: the programs' random initial PSNs are not in the trace.
    expect(
      sends('B')
        .map((e) => (e.kind === 'Send' ? e.psn : -1))
        .slice(0, 3),
    ).toEqual([0, 1, 2]);
  }, 90_000);

  it('completes with completion channels (-e: ibv_req_notify_cq, ibv_get_cq_event)', async () => {
    const run = await pingpong(100, [], ['-e']);
    for (const p of run.programs) {
      expect({ host: p.host, code: p.code, stderr: p.stderr }).toEqual({ host: p.host, code: 0, stderr: '' });
      expect(p.stdout).toMatch(/^100 iters in [\d.]+ seconds/m);
    }
  }, 90_000);

  it('a client whose responses are all lost fails with "transport retry counter exceeded" after 7 retries', async () => {
    const run = await pingpong(1000, DROP_CLIENT_RESPONSES);
    const client = run.programs[1];
    expect(client.code).toBe(1);
    expect(client.stderr).toMatch(/^Failed status transport retry counter exceeded \(12\) for wr_id 2$/m);
    expect(run.execution.config.retryCnt).toBe(7); // ibv_rc_pingpong's own retry_cnt
    const b = run.execution.trace.filter((e) => e.host === 'B' || e.kind === 'AckLost');
    const sendsOfWr1 = b.filter((e) => e.kind === 'Send' && e.wr === 1);
    expect(sendsOfWr1.map((e) => (e.kind === 'Send' ? e.retransmit : undefined))).toEqual([
      false,
      ...Array(7).fill(true),
    ]);
    const timeouts = b.filter((e) => e.kind === 'Timeout');
    expect(timeouts.map((e) => (e.kind === 'Timeout' ? e.retriesLeft : -1))).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    const lost = b.filter((e) => e.kind === 'AckLost' && e.wr === 1);
    expect(lost).toHaveLength(8);
    expect(lost.every((e) => e.kind === 'AckLost' && e.reason === 'faults[0] drop-response')).toBe(true);
    const err = b.find((e) => e.kind === 'QpState' && e.to === 'ERR');
    expect(err).toMatchObject({ host: 'B', from: 'RTS', reason: 'retry_cnt exhausted on WR 1' });
    const failed = b.find((e) => e.kind === 'Completion' && e.wc.status === 'RETRY_EXC_ERR');
    expect(failed).toMatchObject({ host: 'B', wc: { wrId: 1, opcode: 'SEND' } });
  }, 90_000);

  it('gives the same trace over 20 runs of the same scenario', async () => {
    const traces: string[] = [];
    for (let k = 0; k < 20; k++) {
      const run = await pingpong(1000, DROP_CLIENT_RESPONSES);
      expect(run.programs[1].stderr).toMatch(/transport retry counter exceeded/);
      traces.push(JSON.stringify(run.execution.trace));
    }
    expect(new Set(traces).size).toBe(1);
  }, 600_000);
});
