/**
 * A missing or incompatible library gets one clear line naming the file, the missing symbol or
 * the ABI version: from loadNativeLayer (NativeLayerError) and from the CLI (exit 2).
 */
import * as path from 'node:path';
import { loadNativeLayer, NativeLayerError } from '../../adapters/clayer';
import { cli } from '../cli/io';
import { describeWithCLayers } from './helpers';

/** The one line loadNativeLayer throws for `file`. */
function refusal(file: string): string {
  try {
    loadNativeLayer(file);
  } catch (err) {
    expect(err).toBeInstanceOf(NativeLayerError);
    return (err as Error).message;
  }
  throw new Error(`loadNativeLayer accepted ${file}`);
}

describeWithCLayers('loading a C-ABI layer library that is not usable', (libs) => {
  it('a missing file: names the file', () => {
    const msg = refusal('/nonexistent/libmissing.so');
    expect(msg).toBe('loadNativeLayer: /nonexistent/libmissing.so does not exist');
  });

  it('no rdmacheck_layer_descriptor symbol: names the file and the symbol', () => {
    const msg = refusal(libs().noSymbol);
    expect(msg).toContain(libs().noSymbol);
    expect(msg).toContain('does not export rdmacheck_layer_descriptor()');
    expect(msg.split('\n')).toHaveLength(1);
  });

  it('another ABI version: names the file and both versions', () => {
    const msg = refusal(libs().wrongAbi);
    expect(msg).toContain(libs().wrongAbi);
    expect(msg).toMatch(/ABI version 7, but this rdmacheck speaks version 1/);
  });

  it('not a shared library at all: the dynamic loader says why, in one line', () => {
    const msg = refusal(path.join(__dirname, 'fixtures', 'hostile.c'));
    expect(msg).toMatch(/^loadNativeLayer: .*hostile\.c/);
    expect(msg.split('\n')).toHaveLength(1);
  });

  it.each([
    ['audit', (lib: string) => ['audit', lib, '--runs', '1']],
    ['theorems', (lib: string) => ['theorems', '--layer', lib]],
  ])('rdmacheck %s with such a library: one line, exit 2', async (_name, argv) => {
    for (const lib of [libs().noSymbol, libs().wrongAbi]) {
      const run = await cli(argv(lib));
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(lib);
    }
    const missing = await cli(argv('./libmissing.so'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/libmissing\.so does not exist/);
  });
});
