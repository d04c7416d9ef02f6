/**
 * The kernel as referee: the differential corpus (test/differential/corpus.ts) on the simulator
 * (nic 'rxe') and on Soft-RoCE through the native adapter, compared by what the applications
 * observed. Writes the table (printed by scripts/ci-native.sh) and a JSON summary that
 * `npm run differential:figure` turns into README's agreement figure. Every disagreement must be
 * listed in KNOWN_DIFFERENCES with its reason (docs/simulator.md, "Differential stage").
 */
import * as fs from 'fs';
import { native } from '../../adapters/native';
import { runScenario } from '../../src/check/run';
import type { Execution } from '../../src/core/execution';
import type { DifferentialCase } from '../differential/corpus';
import { CORPUS_LAYER_MODULES, differentialCorpus, layerOf, NAMED_CASES } from '../differential/corpus';
import { KNOWN_DIFFERENCES } from '../differential/known';
import type { Observed } from '../differential/observed';
import { differences, observed } from '../differential/observed';
import { brief, describeNative, of, PATHS } from './support';

const OUT = '/tmp/rdmacheck-differential';

/** The native adapter with the scenario's own timeout and retry_cnt (no overrides). */
function referee() {
  const [host, port] = (process.env.RDMACHECK_AGENT ?? '127.0.0.1:18600').split(':');
  return native({
    agent: { host, port: Number(port) },
    paths: PATHS,
    livenessMs: 8000,
    layerModules: CORPUS_LAYER_MODULES,
  });
}

/** Where the packet filter logs one case's packets (RDMACHECK_PACKET_LOG, adapters/native/packetFilter.ts). */
const PACKET_LOG = `${OUT}-packets.log`;

/** The packets of the last run, shortened for the JSON summary (a differing case's evidence). */
function packetLog(): string[] {
  if (!fs.existsSync(PACKET_LOG)) return [];
  const lines = fs.readFileSync(PACKET_LOG, 'utf8').trim().split('\n');
  return lines.length > 400
    ? [...lines.slice(0, 200), `... ${lines.length - 400} more ...`, ...lines.slice(-200)]
    : lines;
}

interface Row {
  name: string;
  layer: string;
  agree: boolean;
  known?: string;
  diffs: string[];
  sim: Observed;
  rxe?: Observed;
  error?: string;
  ms: number;
  /** For a case that differs: the filter's commands and every RoCEv2 packet it saw. */
  packets?: string[];
}

async function compare(c: DifferentialCase): Promise<{ row: Row; real?: Execution }> {
  const t0 = Date.now();
  const sim = observed(await runScenario(c.scenario, layerOf(c)));
  fs.rmSync(PACKET_LOG, { force: true });
  process.env.RDMACHECK_PACKET_LOG = PACKET_LOG;
  try {
    const real = await runScenario(c.scenario, layerOf(c), { adapter: referee() });
    const rxe = observed(real);
    const diffs = differences(sim, rxe);
    const row = { name: c.name, layer: c.layer, agree: diffs.length === 0, diffs, sim, rxe, ms: Date.now() - t0 };
    return {
      row: {
        ...row,
        ...(KNOWN_DIFFERENCES[c.name] ? { known: KNOWN_DIFFERENCES[c.name] } : {}),
        ...(row.agree ? {} : { packets: packetLog() }),
      },
      real,
    };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { row: { name: c.name, layer: c.layer, agree: false, diffs: [error], sim, error, ms: Date.now() - t0 } };
  } finally {
    delete process.env.RDMACHECK_PACKET_LOG;
  }
}

function table(rows: Row[]): string {
  const lines = rows.map((r) => {
    const mark = r.agree ? 'agree ' : r.known ? 'known ' : 'DIFFER';
    const detail = r.agree
      ? r.sim.completions.join(' ')
      : [...r.diffs, ...(r.known ? [`reason: ${r.known}`] : [])].join('; ');
    return `${mark} ${String(r.ms).padStart(6)} ms  ${r.layer.padEnd(11)} ${r.name}: ${detail}`;
  });
  const agree = rows.filter((r) => r.agree).length;
  lines.push(`${agree} of ${rows.length} scenarios agree`);
  return lines.join('\n');
}

describeNative('the kernel as referee: simulator (nic rxe) vs Soft-RoCE', () => {
  const rows: Row[] = [];
  let mustShow: { row: Row; real?: Execution };

  beforeAll(async () => {
    for (const c of differentialCorpus()) {
      const r = await compare(c);
      if (c === NAMED_CASES[2]) mustShow = r;
      rows.push(r.row);
      console.log(table([r.row]).split('\n')[0]);
    }
    const agree = rows.filter((r) => r.agree).length;
    fs.writeFileSync(`${OUT}.txt`, table(rows) + '\n');
    fs.writeFileSync(
      `${OUT}.json`,
      JSON.stringify(
        {
          agree,
          total: rows.length,
          differ: rows.filter((r) => !r.agree).map((r) => ({ name: r.name, diffs: r.diffs, known: r.known })),
          rows,
        },
        null,
        2,
      ) + '\n',
    );
  }, 480_000);

  test('"drop the response of WR 1 once" with 5 FETCH_ADDs: exactly one response lost on Soft-RoCE, outcome as simulated', () => {
    const { row, real } = mustShow;
    expect(row.error).toBeUndefined();
    expect(row.diffs).toEqual([]);
    const faults = of(real!, 'Fault');
    expect({ phases: faults.map((f) => f.phase), trace: faults.length === 2 ? 'ok' : brief(real!) }).toEqual({
      phases: ['begin', 'end'],
      trace: 'ok',
    });
    expect(faults[1].what).toBe('window closed');
    expect(row.rxe!.memoryB[0]).toBe(5);
  });

  test('every scenario, named or generated, either agrees or is a listed difference with its reason', () => {
    const unexplained = rows.filter((r) => !r.agree && !r.known).map((r) => `${r.name}: ${r.diffs.join('; ')}`);
    expect(unexplained).toEqual([]);
  });

  test('every listed difference still differs (a fixed one must leave the list)', () => {
    const stale = Object.keys(KNOWN_DIFFERENCES).filter((name) => rows.find((r) => r.name === name)?.agree);
    expect(stale).toEqual([]);
  });
});
