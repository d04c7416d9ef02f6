/**
 * Wall time per 1,000 ibv_rc_pingpong iterations on the fabric (README quotes it):
 *   npm run fabric:timing [-- RUNS]
 * Prints, for each run, the whole run's real time (both programs, from the server's start to
 * the last exit) and the loop time the client reports itself ("1000 iters in X seconds").
 */
import { runFabric } from '../../adapters/fabric';
import { fabricUnavailable } from './helpers';

async function main(): Promise<void> {
  const reason = fabricUnavailable(['ibv_rc_pingpong']);
  if (reason) {
    console.log(`fabric timing: skipped: ${reason}`);
    return;
  }
  const runs = Number(process.argv[2] ?? 5);
  const loops: number[] = [];
  const walls: number[] = [];
  for (let k = 0; k < runs; k++) {
    const port = 21000 + (process.pid % 1000) * 8 + k;
    const common = ['-p', String(port), '-g', '0', '-n', '1000'];
    const run = await runFabric({
      programs: [
        { command: 'ibv_rc_pingpong', args: common },
        { command: 'ibv_rc_pingpong', args: [...common, 'localhost'], waitForListen: port },
      ],
    });
    const loop = /1000 iters in ([\d.]+) seconds/.exec(run.programs[1].stdout);
    if (!loop) throw new Error(`fabric timing: the client did not finish: ${run.programs[1].stderr}`);
    loops.push(Number(loop[1]) * 1000);
    walls.push(run.wallMs);
    console.log(`run ${k + 1}: loop ${loops[k].toFixed(0)} ms, whole run ${run.wallMs} ms`);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `median per 1,000 iterations: ${median(loops).toFixed(0)} ms (client's loop), ${median(walls)} ms (whole run)`,
  );
}

void main();
