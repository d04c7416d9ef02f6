/**
 * The bounded space of docs/verify.md: its size formula (spaceSize) against the enumerator's
 * count, its order (smallest first) and its symmetry reduction (addresses up to renaming).
 */
import { enumerate, faultCandidates, faultList, spaceSize, workloads } from '../../../src/check/verify/space';
import type { SpaceBounds } from '../../../src/check/verify/space';
import { validateScenario } from '../../../src/core/validate';
import type { Opcode } from '../../../src/core/verbs';
import { OPCODES } from '../../../src/core/verbs';

const count = (b: SpaceBounds): number => {
  let n = 0;
  for (const _ of enumerate(b)) n++;
  return n;
};

describe('the size formula matches the enumerator', () => {
  it.each(OPCODES.map((op) => [op]))('%s at max-ops 1, max-faults 1', (op) => {
    const b = { maxOps: 1, maxFaults: 1, opcodes: [op as Opcode] };
    expect(count(b)).toBe(spaceSize(b));
  });

  it.each([
    [{ maxOps: 2, maxFaults: 1, opcodes: ['WRITE', 'SEND'] as Opcode[] }],
    [{ maxOps: 2, maxFaults: 0, opcodes: [...OPCODES] }],
    [{ maxOps: 2, maxFaults: 1, opcodes: ['CMP_SWAP'] as Opcode[], reuse: false }],
    [{ maxOps: 3, maxFaults: 0, opcodes: ['WRITE', 'FETCH_ADD'] as Opcode[], thirdParty: false }],
    [{ maxOps: 1, maxFaults: 2, opcodes: ['READ'] as Opcode[] }],
  ])('%j', (b) => {
    expect(count(b)).toBe(spaceSize(b));
  });

  it('the fault list has the documented number of candidates: 11 + 54k', () => {
    for (const k of [1, 2, 3]) {
      expect(faultList(k)).toHaveLength(faultCandidates(k));
      expect(faultCandidates(k)).toBe(11 + 54 * k);
    }
  });

  it('matches the sizes docs/verify.md quotes', () => {
    expect(spaceSize({ maxOps: 1, maxFaults: 1, opcodes: ['WRITE'] })).toBe(792);
    expect(spaceSize({ maxOps: 2, maxFaults: 1, opcodes: ['WRITE'] })).toBe(29592);
  });
});

describe('the walk', () => {
  it('goes smallest first: posts, then faults, never decreasing', () => {
    let last = [0, 0];
    const backwards: number[] = [];
    for (const p of enumerate({ maxOps: 2, maxFaults: 1, opcodes: ['WRITE'] })) {
      if (p.ops < last[0] || (p.ops === last[0] && p.faults < last[1])) backwards.push(p.index);
      last = [p.ops, p.faults];
    }
    expect(last).toEqual([2, 1]);
    expect(backwards).toEqual([]);
  });

  it('gives every scenario a valid shape and a unique index', () => {
    let k = 0;
    for (const p of enumerate({ maxOps: 1, maxFaults: 1, opcodes: [...OPCODES] })) {
      expect(p.index).toBe(k++);
      expect(() => validateScenario(p.scenario)).not.toThrow();
    }
  });

  it('renames addresses: two WRITEs are to the same word or to two words, never to words 1 and 2', () => {
    const addrs = new Set<string>();
    for (const w of workloads({ maxOps: 2, maxFaults: 0, opcodes: ['WRITE'], reuse: false, thirdParty: false }, 2))
      addrs.add(w.map((s) => (s.kind === 'post' ? s.wr.addr : '')).join(','));
    expect([...addrs].sort()).toEqual(['0,0', '0,1']);
  });
});
