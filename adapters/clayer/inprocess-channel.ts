/**
 * The in-process channel: the library is dlopen'ed into rdmacheck by a node-addon-api addon
 * (src/addon.cc) and its env requests are JavaScript calls. Fast, and not isolated: a crash of
 * the layer is a crash of rdmacheck.
 */
import * as fs from 'node:fs';
import type { NativeDescriptor } from './bridge';
import type { Channel } from './channel';
import { Reader } from './protocol';
import { clayerAddonPath, clayerBuildReason } from './paths';

/** The addon's surface. */
export interface ClayerAddon {
  /** dlopen + descriptor check; throws one line naming the file, the symbol or the ABI version. */
  open(library: string): { handle: object } & NativeDescriptor;
  call(handle: object, msg: Buffer, onEnv: (req: Buffer) => Buffer | undefined): number;
  close(handle: object): void;
}

/** Loads the addon, or throws why it is not there. */
export function loadClayerAddon(): ClayerAddon {
  const file = clayerAddonPath();
  if (!fs.existsSync(file)) {
    throw new Error(
      `loadNativeLayer: isolation 'in-process' needs the addon ${file}, which is not built (${clayerBuildReason('addon')}); run npm run build:clayer (needs node-gyp and a C++ compiler)`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the addon is optional: loaded only if it was built
  return require(file) as ClayerAddon;
}

/** One library loaded into this process. */
export class InProcessChannel implements Channel {
  deadReason: string | undefined;
  readonly descriptor: NativeDescriptor;
  private readonly handle: object;

  constructor(
    private readonly addon: ClayerAddon,
    library: string,
  ) {
    const opened = addon.open(library);
    this.handle = opened.handle;
    this.descriptor = { abi: opened.abi, name: opened.name, transparent: opened.transparent, opcodes: opened.opcodes };
  }

  call(msg: Buffer, onEnv: (req: Reader) => Buffer | undefined): number {
    return this.addon.call(this.handle, msg, (req) => onEnv(new Reader(req)));
  }

  close(): void {
    if (this.deadReason !== undefined) return;
    this.deadReason = 'closed';
    this.addon.close(this.handle);
  }
}
