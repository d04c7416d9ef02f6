import { checkLayer } from '../../src/check';
import { honest } from '../properties/canaries';

describe('checkLayer validates its arguments with errors that say what to do', () => {
  it.each([
    [{ numRuns: 0 }, 'checkLayer: numRuns must be a positive integer (got 0)'],
    [{ numRuns: 1.5 }, 'checkLayer: numRuns must be a positive integer (got 1.5)'],
    [{ timeLimitMs: -1 }, 'checkLayer: timeLimitMs must be a positive integer (got -1)'],
    [{ seed: 0.5 }, 'checkLayer: seed must be an integer (got 0.5)'],
    [
      { opcodes: [] },
      'checkLayer: opcodes must be a non-empty list of op classes (WRITE, READ, SEND, FETCH_ADD, CMP_SWAP, WRITE_WITH_IMM)',
    ],
    [
      { opcodes: ['FADD'] },
      'checkLayer: opcodes: "FADD" is not an opcode (WRITE, READ, SEND, FETCH_ADD, CMP_SWAP, WRITE_WITH_IMM)',
    ],
    [{ properties: [] }, 'checkLayer: properties must be a non-empty list of Property (e.g. properties.all)'],
    [{ properties: [{}] }, 'checkLayer: properties: every entry must be a Property ({ name, check(run) })'],
    [{ adapter: {} }, 'checkLayer: adapter must be an Adapter (e.g. sim() from rdmacheck)'],
    [{ maxEvents: 5 }, 'checkLayer: maxEvents must be at least 10 (got 5)'],
    [{ onProgress: 3 }, 'checkLayer: onProgress must be a function'],
    [
      { livenessNs: 0.5 },
      'checkLayer: livenessNs must be a positive integer of nanoseconds, e.g. 50_000_000 for 50 ms (got 0.5)',
    ],
    [{ livenessNs: '50ms' }, 'checkLayer: livenessNs must be a positive integer of nanoseconds'],
    [{ nic: 'mlx5' }, "checkLayer: nic must be one of 'ibta', 'rxe' (got mlx5)"],
  ])('rejects %j', async (options, message) => {
    await expect(checkLayer(honest, options as never)).rejects.toThrow(message);
  });

  it('rejects something that is not a layer', async () => {
    await expect(checkLayer({} as never)).rejects.toThrow(
      'checkLayer: layer must be a FailoverLayer (an object with name and create(env))',
    );
  });
});

describe('checkLayer audits the op classes a layer declares it carries (layer.opcodes)', () => {
  const writeOnly = { ...honest, name: 'write-only', opcodes: ['WRITE', 'READ'] as const };

  it('audits only the declared op classes by default, one column each in the matrix order, then their mix', async () => {
    const report = await checkLayer({ ...writeOnly, opcodes: ['READ', 'WRITE'] }, { numRuns: 2 });
    const columns = [...new Set(report.results.filter((r) => r.opcode).map((r) => r.opcode))];
    expect(columns).toEqual(['WRITE', 'READ', 'mixed']);
  });

  it('refuses an op class the layer does not carry, rather than judging the layer on it', async () => {
    await expect(checkLayer(writeOnly, { opcodes: ['SEND'] })).rejects.toThrow(
      'checkLayer: opcodes: layer write-only carries only WRITE, READ (its opcodes); drop SEND',
    );
  });

  it.each([
    [[], 'checkLayer: layer.opcodes must be a non-empty list of the op classes the layer carries'],
    [['PUT'], 'checkLayer: layer.opcodes: "PUT" is not an opcode'],
  ])('rejects a layer declaring opcodes %j', async (opcodes, message) => {
    await expect(checkLayer({ ...honest, opcodes } as never)).rejects.toThrow(message);
  });
});
