import { layers } from '../../src/layers';
import { describeModelLimits } from '../../src/layers/types';
import type { ReferenceLayer } from '../../src/layers/types';

const models = Object.values(layers).filter((l): l is ReferenceLayer & Required<Pick<ReferenceLayer, 'model'>> =>
  Boolean((l as ReferenceLayer).model),
);

describe('models of shipping code name their source and their omissions (issue 14)', () => {
  it('mooncake-retry is one of them', () => {
    expect(models.map((m) => m.name)).toContain('mooncake-retry');
  });

  it.each(models.map((m) => [m.name, m] as const))('%s cites a full commit and lists what it leaves out', (_, m) => {
    expect(m.model.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(m.model.repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(m.model.omissions.length).toBeGreaterThan(0);
    const text = describeModelLimits(m) ?? '';
    expect(text).toContain(`${m.model.repo}@${m.model.commit.slice(0, 10)}`);
    for (const o of m.model.omissions) expect(text).toContain(o);
  });

  it('a layer that models no shipping code prints no such paragraph', () => {
    expect(describeModelLimits(layers.shift)).toBeUndefined();
  });
});
