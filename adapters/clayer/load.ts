/**
 * loadNativeLayer: a shared library implementing include/rdmacheck/layer.h as a FailoverLayer.
 * Isolated by default (each host's instances in a child process: a crash or an endless loop is a
 * LayerFault naming the signal); in-process for speed (no isolation: a crash ends rdmacheck).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayerHost } from '../../src/core/verbs';
import { bridgeLayer } from './bridge';
import type { NativeDescriptor, NativeLayer } from './bridge';
import type { Channel } from './channel';
import { InProcessChannel, loadClayerAddon } from './inprocess-channel';
import { ProcessChannel } from './process-channel';
import { clayerBuildReason, layerHostPath } from './paths';

/** Options of loadNativeLayer. */
export interface NativeLayerOptions {
  /** 'process' (default): the layer runs in child processes; 'in-process': dlopen'ed into rdmacheck. */
  isolation?: 'process' | 'in-process';
  /** CPU time one callback may use before the watchdog stops it (isolation 'process'). Default 2000. */
  callbackBudgetMs?: number;
}

/** A library that cannot be loaded: missing, not a layer, or of another ABI version. One line. */
export class NativeLayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeLayerError';
  }
}

/** The C layer ABI version this rdmacheck speaks (RDMACHECK_LAYER_ABI_VERSION). */
export const LAYER_ABI_VERSION = 1;

/** Loads the layer of the shared library `file` (see include/rdmacheck/layer.h). */
export function loadNativeLayer(file: string, options: NativeLayerOptions = {}): NativeLayer {
  const isolation = options.isolation ?? 'process';
  const budgetMs = options.callbackBudgetMs ?? 2000;
  if (isolation !== 'process' && isolation !== 'in-process') {
    throw new NativeLayerError(
      `loadNativeLayer: isolation must be 'process' or 'in-process', not ${String(isolation)}`,
    );
  }
  if (!Number.isInteger(budgetMs) || budgetMs <= 0) {
    throw new NativeLayerError('loadNativeLayer: callbackBudgetMs must be a positive integer');
  }
  const library = path.resolve(file);
  if (!fs.existsSync(library)) throw new NativeLayerError(`loadNativeLayer: ${file} does not exist`);
  if (isolation === 'in-process') return loadInProcess(library);
  const desc = describeNativeLayer(library);
  const hostProgram = layerHostPath();
  const channels: Partial<Record<LayerHost, Channel>> = {};
  const channelFor = (host: LayerHost): Channel => {
    const current = channels[host];
    if (current && current.deadReason === undefined) return current;
    const fresh = new ProcessChannel({ hostProgram, library, budgetMs });
    channels[host] = fresh;
    return fresh;
  };
  const closeAll = (): void => {
    for (const c of Object.values(channels)) c?.close();
  };
  return bridgeLayer(desc, library, 'process', channelFor, closeAll);
}

/**
 * What a layer library declares (name, transparent, op classes, ABI version), asked of the host
 * program in a child process: only the descriptor function runs. Throws NativeLayerError (one
 * line naming the file, the missing symbol or the ABI version) when it is no usable layer.
 */
export function describeNativeLayer(file: string): NativeDescriptor {
  const library = path.resolve(file);
  if (!fs.existsSync(library)) throw new NativeLayerError(`loadNativeLayer: ${file} does not exist`);
  const hostProgram = layerHostPath();
  if (!fs.existsSync(hostProgram)) {
    throw new NativeLayerError(
      `loadNativeLayer: the layer host ${hostProgram} is not built (${clayerBuildReason('host')}); run npm run build:clayer (needs a C compiler)`,
    );
  }
  const r = spawnSync(hostProgram, ['--describe', library], { encoding: 'utf8' });
  const line = (r.stdout ?? '').split('\n')[0] ?? '';
  if (r.status === 0) return checkAbi(JSON.parse(line) as NativeDescriptor, library);
  const why = line.startsWith('error: ') ? line.slice(7) : `${library}: ${r.error?.message ?? `exit ${r.status}`}`;
  throw new NativeLayerError(`loadNativeLayer: ${why}`);
}

function checkAbi(desc: NativeDescriptor, library: string): NativeDescriptor {
  if (desc.abi !== LAYER_ABI_VERSION) {
    throw new NativeLayerError(`loadNativeLayer: ${library}: ABI version ${desc.abi}, expected ${LAYER_ABI_VERSION}`);
  }
  return desc;
}

function loadInProcess(library: string): NativeLayer {
  const addon = loadClayerAddon();
  let channel: InProcessChannel;
  try {
    channel = new InProcessChannel(addon, library);
  } catch (err) {
    throw new NativeLayerError(`loadNativeLayer: ${(err as Error).message.split('\n')[0]}`);
  }
  const desc = checkAbi(channel.descriptor, library);
  return bridgeLayer(
    desc,
    library,
    'in-process',
    () => channel,
    () => channel.close(),
  );
}
