/**
 * The comparison fabric vs kernel Soft-RoCE (CI prints it; README quotes it):
 *   npm run fabric:side-by-side -- [--kernel DIR_A DIR_B] [--out FILE] [--only NAME,...]
 * Runs each case of scripts/vm/perftest-cases.txt on the fabric under nic 'rxe' (host A the
 * server, B the client), reads the kernel's outcomes of the same case from the guests' result
 * directories (scripts/vm/guest-perftest.sh: DIR_B holds the servers', DIR_A the clients'),
 * prints the Markdown table and exits 1 when a case ran on both and they disagree.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFabric } from '../../adapters/fabric';
import { fabricFaults, fillArgs, readCases, renderTable, summarize, agree } from '../../adapters/fabric/side-by-side';
import type { CaseSide, SideBySideCase } from '../../adapters/fabric/side-by-side';
import { fabricUnavailable } from './helpers';

const CASES = join(__dirname, '..', '..', 'scripts', 'vm', 'perftest-cases.txt');

async function onFabric(c: SideBySideCase, port: number): Promise<CaseSide> {
  const args = fillArgs(c.args, { dev: 'rdmacheck0', gid: 0, port });
  const run = await runFabric({
    programs: [
      { command: c.command, args },
      { command: c.command, args: [...args, 'localhost'], waitForListen: port },
    ],
    scenario: { config: { nic: 'rxe' }, faults: fabricFaults(c) },
    idleAfterExitMs: 1000,
    timeoutMs: c.limitS * 1000,
  });
  const [server, client] = run.programs.map((p) =>
    summarize(p.stdout, p.stderr, { code: p.code, signal: p.signal, limit: p.timedOut || p.stoppedIdle }),
  );
  return { server, client };
}

/** The kernel side of a case, when both guests left their files. */
function onKernel(c: SideBySideCase, dirA: string, dirB: string): CaseSide | undefined {
  const side = (dir: string, role: string) => {
    const base = join(dir, `${c.name}.${role}`);
    if (!existsSync(`${base}.rc`)) return undefined;
    const rc = Number(readFileSync(`${base}.rc`, 'utf8').trim());
    const read = (ext: string) => (existsSync(`${base}.${ext}`) ? readFileSync(`${base}.${ext}`, 'utf8') : '');
    // timeout(1): 124 when the limit stopped it, 137 when it had to be killed after that.
    return summarize(read('out'), read('err'), { code: rc, limit: rc === 124 || rc === 137 });
  };
  const server = side(dirB, 'server');
  const client = side(dirA, 'client');
  return server && client ? { server, client } : undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string, n = 1) => {
    const k = argv.indexOf(name);
    return k < 0 ? undefined : argv.slice(k + 1, k + 1 + n);
  };
  const kernel = flag('--kernel', 2);
  const out = flag('--out')?.[0];
  const only = flag('--only')?.[0]?.split(',');
  const cases = readCases(CASES).filter((c) => !only || only.includes(c.name));
  const reason = fabricUnavailable([...new Set(cases.map((c) => c.command))]);
  if (reason) {
    console.log(`side-by-side: skipped: ${reason}`);
    return;
  }
  const rows = [];
  let port = 24000 + (process.pid % 500) * 16;
  for (const c of cases) {
    const fabric = await onFabric(c, port++);
    rows.push({ c, fabric, kernel: kernel ? onKernel(c, kernel[0], kernel[1]) : undefined });
    console.error(`side-by-side: ${c.name} done on the fabric`);
  }
  const table = renderTable(rows);
  console.log(table);
  if (out) writeFileSync(out, table + '\n');
  const disagreements = rows.filter((r) => r.kernel && !agree(r.fabric, r.kernel)).map((r) => r.c.name);
  if (kernel && rows.every((r) => !r.kernel)) {
    console.log('side-by-side: no kernel outcome came back from the guests');
    process.exitCode = 1;
  } else if (disagreements.length > 0) {
    console.log(`side-by-side: the fabric and Soft-RoCE disagree on ${disagreements.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(`side-by-side: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
