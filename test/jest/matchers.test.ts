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

  test('faultKinds and badAddresses narrow what the matchers draw: no faults, no lost response to re-send after', async () => {
    const options = { opcodes: ['FETCH_ADD' as const], numRuns: 50, outDir };
    await expect(resendAll).toSatisfy(properties.atMostOnce, { ...options, faultKinds: [], badAddresses: false });
    await expect(resendAll).toViolate(properties.atMostOnce, { ...options, faultKinds: ['drop-response'] });
  });

  test('a failure of a layer that is not a reference layer prints one replay command, the same everywhere', async () => {
    const mine = { ...resendAll, name: 'my-own-layer' };
    let message = '';
    try {
      await expect(mine).toSatisfy(properties.atMostOnce, { opcodes: ['FETCH_ADD'], numRuns: 50, outDir });
    } catch (e) {
      message = (e as Error).message;
    }
    const commands = new Set(message.match(/npx rdmacheck replay .*/g));
    expect([...commands]).toEqual([
      expect.stringMatching(
        /^npx rdmacheck replay \S+my-own-layer\.at-most-once\.FETCH_ADD\.yaml --layer <path to the module exporting my-own-layer>/,
      ),
    ]);
    let withModule = '';
    try {
      await expect(mine).toSatisfy(properties.atMostOnce, {
        opcodes: ['FETCH_ADD'],
        numRuns: 50,
        outDir,
        layerModule: 'src/mine.ts',
      });
    } catch (e) {
      withModule = (e as Error).message;
    }
    expect(new Set(withModule.match(/npx rdmacheck replay .*/g))).toEqual(
      new Set([expect.stringMatching(/--layer src\/mine\.ts$/)]),
    );
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
