import { properties } from '../../properties';
import { defineProperty } from '../../properties/support/safe';
import { honest, post, run } from './canaries';

describe('every property is safe to call', () => {
  it('names the properties as DESIGN.md does, and lists them all', () => {
    expect(properties.all.map((p) => p.name)).toEqual([
      'at-most-once',
      'no-queue-sliding',
      'sender-view-determinism',
      'linearizability',
      'failure-masking',
      'completion-fidelity',
    ]);
    for (const p of properties.all) expect(p.description).toBeTruthy();
  });

  it('turns an exception inside a check into unknown with the reason (never a throw)', async () => {
    const broken = defineProperty('broken', 'throws', () => {
      throw new Error('oops');
    });
    const r = run({ workload: [post({ id: 1, opcode: 'WRITE', addr: 0, value: 1 })], faults: [] }, honest);
    expect(await broken.check(r)).toEqual({
      status: 'unknown',
      reason: 'broken: the check itself threw (Error: oops)',
    });
  });

  it('never throws on a malformed execution', async () => {
    const r = run({ workload: [post({ id: 1, opcode: 'WRITE', addr: 0, value: 1 })], faults: [] }, honest);
    const mangled = {
      ...r,
      trace: [...r.trace, { kind: 'Nonsense' } as never],
      scenario: { workload: null, faults: null } as never,
    };
    for (const p of properties.all) {
      const v = await p.check(mangled);
      expect(['holds', 'violated', 'unknown']).toContain(v.status);
    }
  });

  it('never holds on a run cut short by the event limit', async () => {
    const workload = [1, 2, 3, 4].map((id) => post({ id, opcode: 'WRITE' as const, addr: 0, value: id }));
    const r = run({ workload, faults: [], config: { maxEvents: 10 } }, honest);
    expect(r.end.reason).toBe('event-limit');
    for (const p of properties.all) expect((await p.check(r)).status).not.toBe('holds');
  });
});
