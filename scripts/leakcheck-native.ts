/**
 * The native addon's leak check (`npm run leakcheck:native`): node under valgrind
 * --leak-check=full runs scripts/native-fuzz.js (the fuzz corpus: every error path, plus
 * open/close cycles of every class and handles left to the garbage collector) on the fabric's
 * simulated devices, so that the addon really allocates and releases verbs resources on a host
 * without RDMA hardware. Fails unless valgrind reports "definitely lost: 0 bytes".
 * scripts/valgrind-node.supp names node's and V8's own allocations kept until exit (see there);
 * nothing of the addon or libibverbs is suppressed.
 *
 *   npm run leakcheck:native [-- --runs N --cycles N]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFabric } from '../adapters/fabric';

const root = path.join(__dirname, '..');

function option(name: string, fallback: number): number {
  const k = process.argv.indexOf(name);
  return k > 0 ? Number(process.argv[k + 1]) : fallback;
}

async function main(): Promise<number> {
  if (spawnSync('sh', ['-c', 'command -v valgrind'], { stdio: 'ignore' }).status !== 0) {
    console.error('leakcheck:native: valgrind is not installed (apt-get install valgrind)');
    return 2;
  }
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rdmacheck-leak-')), 'valgrind.log');
  const started = Date.now();
  const run = await runFabric({
    programs: [
      {
        command: 'valgrind',
        args: [
          '--leak-check=full',
          '--errors-for-leak-kinds=definite',
          `--suppressions=${path.join(root, 'scripts', 'valgrind-node.supp')}`,
          `--log-file=${log}`,
          process.execPath,
          '--expose-gc',
          '--jitless', // V8's JIT code confuses valgrind and slows it down more than it speeds node up
          path.join(root, 'scripts', 'native-fuzz.js'),
          '--runs',
          String(option('--runs', 20)),
          '--cycles',
          String(option('--cycles', 20)),
        ],
      },
    ],
    timeoutMs: 600_000,
    quietMs: 5_000,
  });
  const seconds = (Date.now() - started) / 1000;
  const p = run.programs[0];
  const text = fs.readFileSync(log, 'utf8');
  const lost = /definitely lost: ([\d,]+) bytes in ([\d,]+) blocks/.exec(text);
  const fuzz = p.stdout.trim().split('\n').pop() ?? '';
  console.log(`leakcheck:native: ${fuzz}`);
  console.log(
    text
      .split('\n')
      .filter((l) => /LEAK SUMMARY|lost:|reachable:|suppressed:|ERROR SUMMARY/.test(l))
      .join('\n'),
  );
  const bytes = lost ? Number(lost[1].replace(/,/g, '')) : text.includes('All heap blocks were freed') ? 0 : NaN;
  console.log(`leakcheck:native: ${seconds.toFixed(0)} s, definitely lost: ${bytes} bytes (valgrind log: ${log})`);
  if (p.code !== 0) {
    console.error(
      `leakcheck:native: the fuzz run failed (exit ${p.code}, signal ${p.signal}): ${p.stderr.slice(-2000)}`,
    );
    return 1;
  }
  return bytes === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`leakcheck:native: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
