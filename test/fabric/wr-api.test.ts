/**
 * The extended QP API on the fabric (ibv_create_qp_ex, ibv_qp_to_qp_ex, ibv_wr_start ...
 * ibv_wr_complete): a two-process RC program (test/fabric/programs/wr-api.c, built here with the
 * system's compiler against libibverbs-dev, run on the fabric's library) posts a WRITE, a READ,
 * a fetch-and-add and an inline SEND in one batch, and both sides check the bytes; ops the QP
 * was not created for fail with EINVAL and UD addressing with EOPNOTSUPP, posting nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFabric } from '../../adapters/fabric';
import { describeFabric, freePort } from './helpers';

const source = join(__dirname, 'programs', 'wr-api.c');

function build(): { binary?: string; reason?: string } {
  const binary = join(mkdtempSync(join(tmpdir(), 'rdmacheck-wr-api-')), 'wr-api');
  const cc = spawnSync(process.env.CC ?? 'cc', ['-O1', '-Wall', '-o', binary, source, '-libverbs'], {
    encoding: 'utf8',
  });
  if (cc.error) return { reason: `no C compiler (${cc.error.message})` };
  if (cc.status !== 0) return { reason: `cc failed: ${cc.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  return { binary };
}

describeFabric('fabric wr-api', [])('the extended QP API (ibv_wr_*) on the fabric', () => {
  it('a batch of WRITE, READ, fetch-and-add and inline SEND completes in order, with the right bytes on both sides', async () => {
    const built = build();
    if (!built.binary) {
      console.log(`wr-api: skipped: ${built.reason}`);
      return;
    }
    const port = String(freePort());
    const run = await runFabric({
      programs: [
        { command: built.binary, args: [port] },
        { command: built.binary, args: [port, 'localhost'], waitForListen: Number(port) },
      ],
      scenario: { faults: [] },
      idleAfterExitMs: 300,
      timeoutMs: 30_000,
    });
    const [server, client] = run.programs;
    expect({ code: server.code, stdout: server.stdout, stderr: server.stderr }).toEqual({
      code: 0,
      stdout: 'server ok\n',
      stderr: '',
    });
    expect({ code: client.code, stderr: client.stderr }).toEqual({ code: 0, stderr: '' });
    expect(client.stdout.split('\n')).toEqual([
      'cmp_swp without its send op: Invalid argument',
      'UD addressing: Operation not supported',
      'client ok',
      '',
    ]);
    const posted = run.execution.trace.filter((e) => e.kind === 'Send' && e.host === 'B' && !e.retransmit);
    expect(posted.map((e) => (e.kind === 'Send' ? [e.wr, e.op] : []))).toEqual([
      [1, 'WRITE'],
      [2, 'READ'],
      [3, 'FETCH_ADD'],
      [4, 'SEND'],
    ]);
  }, 60_000);
});
