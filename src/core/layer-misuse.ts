/**
 * The LayerEnv contract's misuse rules, shared by every adapter so that a layer is judged the
 * same on the simulator and on real verbs. Each check returns the reason, or undefined.
 */
import type { LayerHost, RecvWr, SendWr } from './verbs';
import { OPCODES } from './verbs';

/** Why `path` is not a path of a fabric with `paths` paths. */
export function badPath(path: unknown, paths: number): string | undefined {
  return Number.isInteger(path) && (path as number) >= 0 && (path as number) < paths
    ? undefined
    : `path ${String(path)} does not exist (paths are 0..${paths - 1})`;
}

/** Why a layer may not post `wr` on `path` (appIds: the application's WR ids on `host`). */
export function postMisuse(host: LayerHost, path: number, paths: number, wr: SendWr, appIds: ReadonlySet<number>): string | undefined {
  const pathErr = badPath(path, paths);
  if (pathErr) return pathErr;
  if (!Number.isInteger(wr.id)) return `wr.id ${String(wr.id)} is not an integer`;
  if (!OPCODES.includes(wr.opcode)) return `wr.opcode ${String(wr.opcode)} is not an opcode`;
  if (wr.id >= 0 && !appIds.has(wr.id)) return `WR ${wr.id} is not an application WR of host ${host}; WRs a layer invents use negative ids`;
  return undefined;
}

/** Why a layer may not post RECV `wr` on `path` (appIds: the application's RECV ids on `host`). */
export function postRecvMisuse(host: LayerHost, path: number, paths: number, wr: RecvWr, appIds: ReadonlySet<number>): string | undefined {
  const pathErr = badPath(path, paths);
  if (pathErr) return pathErr;
  if (!Number.isInteger(wr.id)) return `wr.id ${String(wr.id)} is not an integer`;
  if (wr.id >= 0 && !appIds.has(wr.id)) return `RECV ${wr.id} is not an application RECV of host ${host}; RECVs a layer invents use negative ids`;
  return undefined;
}
