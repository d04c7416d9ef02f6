import { casDoubleSuccess, faddDoubleCount, queueSliding, theorem1TwinPair, theorem3Aba } from '../../src/check';
import { honest, resendOnError } from '../properties/canaries';

describe("the seed paper's theorems as executable witnesses", () => {
  it('Theorem 1: a transparent layer that retries gets the same sender view in T1 and T2 and breaks safety in T2', async () => {
    const w = await theorem1TwinPair(resendOnError);
    expect(w.runs.map((r) => r.name)).toEqual(['T1: request lost', 'T2: ACK lost, memory reused']);
    expect(w).toMatchObject({ shown: true, broken: 'safety' });
    expect(w.runs[1].verdicts.linearizability.status).toBe('violated');
    expect(w.runs[0].verdicts['failure-masking'].status).toBe('holds');
    expect(w.conclusion).toMatch(/retried in both, so T2 broke safety/);
  });

  it('Theorem 1: a transparent layer that does not retry breaks liveness in T1', async () => {
    const w = await theorem1TwinPair(honest);
    expect(w).toMatchObject({ shown: true, broken: 'liveness' });
    expect(w.runs[0].verdicts['failure-masking'].status).toBe('violated');
    expect(w.runs[1].verdicts.linearizability.status).toBe('holds');
  });

  it("Theorem 1: the twin pair is sender-view-determinism's twin, and a transparent layer passes it", async () => {
    const w = await theorem1TwinPair(resendOnError);
    for (const r of w.runs) expect(r.verdicts['sender-view-determinism']).toEqual({ status: 'holds' });
  });

  it('FADD double count, CAS double success: a retrying layer executes twice', async () => {
    const fadd = await faddDoubleCount(resendOnError);
    expect(fadd).toMatchObject({ shown: true, broken: 'safety' });
    expect(fadd.runs[0].execution.end.memory.B[0]).toBe(2);
    const cas = await casDoubleSuccess(resendOnError);
    expect(cas).toMatchObject({ shown: true, broken: 'safety' });
    expect(cas.runs[0].execution.trace.filter((e) => e.kind === 'Execute' && e.wr === 1 && e.old === 0)).toHaveLength(
      2,
    );
  });

  it('queue sliding: the retried SEND lands in the next RECV', async () => {
    const w = await queueSliding(resendOnError);
    expect(w).toMatchObject({ shown: true });
    expect(w.runs[0].verdicts['no-queue-sliding'].status).toBe('violated');
  });

  it('every witness returns plain data the CLI can print', async () => {
    const w = await theorem3Aba(honest);
    expect(typeof w.title).toBe('string');
    expect(typeof w.statement).toBe('string');
    expect(w.runs[0].scenario.faults).toHaveLength(1);
  });
});
