import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { properties } from '../../properties';
import '../../src/jest';
import { passThrough } from '../../src/layers/passThrough';
import { resendAll } from '../../src/layers/resendAll';

const outDir = mkdtempSync(join(tmpdir(), 'rdmacheck-matchers-'));

describe('rdmacheck matchers (registered by importing rdmacheck/jest)', () => {
  test('toSatisfy passes when the property holds', async () => {
    await expect(passThrough).toSatisfy(properties.atMostOnce, { opcodes: ['FETCH_ADD'], numRuns: 20, outDir });
  });

  test('toSatisfy fails with the explanation and the replay command when it does not', async () => {
    await expect(
      expect(resendAll).toSatisfy(properties.atMostOnce, { opcodes: ['FETCH_ADD'], numRuns: 50, outDir }),
    ).rejects.toThrow(/expected resend-all to satisfy at-most-once[\s\S]*replay: npx rdmacheck replay/);
  });

  test('toViolate locks in a known boundary', async () => {
    await expect(resendAll).toViolate(properties.atMostOnce, { opcodes: ['FETCH_ADD'], numRuns: 50, outDir });
    await expect(
      expect(passThrough).toViolate(properties.atMostOnce, { opcodes: ['FETCH_ADD'], numRuns: 20, outDir }),
    ).rejects.toThrow(/expected pass-through to violate at-most-once, but it was holds after \d+ runs/);
  });

  test('.not inverts toSatisfy', async () => {
    await expect(resendAll).not.toSatisfy(properties.atMostOnce, { opcodes: ['FETCH_ADD'], numRuns: 50, outDir });
  });

  test('a non-layer is refused with a clear message', async () => {
    await expect(expect({ nope: true }).toSatisfy(properties.atMostOnce)).rejects.toThrow(
      'toSatisfy: expect(...) must be given a FailoverLayer',
    );
  });
});
