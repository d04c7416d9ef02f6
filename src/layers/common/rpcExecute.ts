/** The responder's side of an RPC: executing a request through its own memory, as its NIC would. */
import type { LayerEnv } from '../../core/layer';
import type { WcStatus } from '../../core/verbs';
import { RpcOp } from './rpcCodec';
import type { RpcRequest, RpcResponse } from './rpcCodec';

/** Executes `req` once through env.memory, attributed to the peer's WR (forWr); checks the address first. */
export function executeRequest(env: LayerEnv, req: RpcRequest): Omit<RpcResponse, 'incarnations'> {
  const bad = addressError(env, req.addr);
  if (bad) return { seq: req.seq, status: bad, value: 0 };
  const forWr = { forWr: req.appWr };
  const mem = env.memory;
  let value = 0;
  if (req.op === RpcOp.WRITE) mem.write(req.addr, req.value, forWr);
  else if (req.op === RpcOp.FETCH_ADD) value = mem.fetchAdd(req.addr, req.add, forWr);
  else value = mem.cmpSwap(req.addr, req.compare, req.swap, forWr);
  return { seq: req.seq, status: 'SUCCESS', value };
}

/** REM_INV_REQ_ERR for a misaligned (non-whole) address, REM_ACCESS_ERR outside the memory. */
function addressError(env: LayerEnv, addr: number): WcStatus | undefined {
  if (!Number.isInteger(addr)) return 'REM_INV_REQ_ERR';
  const words = env.memoryWords;
  if (addr < 0 || (words !== undefined && addr >= words)) return 'REM_ACCESS_ERR';
  return undefined;
}
