/**
 * A C-ABI layer as a FailoverLayer: each instance forwards its observations to the C code as
 * calls, and carries out the C code's env requests on the real LayerEnv, so the contract's rules,
 * recording and replay are exactly those of a TypeScript layer.
 */
import type { FailoverLayer, LayerEnv, LayerInstance } from '../../src/core/layer';
import type { LayerHost, Opcode } from '../../src/core/verbs';
import { OPCODES } from '../../src/core/verbs';
import type { Channel } from './channel';
import { LayerCrash } from './channel';
import { decodeControl, encodeControl } from './control';
import { MEM_OPS, MSG, Reader, Writer } from './protocol';

/** What a library's descriptor says about its layer. */
export interface NativeDescriptor {
  abi: number;
  name: string;
  transparent: boolean;
  /** RDMACHECK_OPCLASS bits; 0 means every op class. */
  opcodes: number;
}

/** A FailoverLayer backed by C code; `close()` ends its processes (or nothing, in-process). */
export interface NativeLayer extends FailoverLayer {
  /** The library it was loaded from. */
  readonly library: string;
  readonly isolation: 'process' | 'in-process';
  /** The op classes the layer carries (undefined: all). */
  readonly opcodes?: readonly Opcode[];
  close(): void;
}

// An env with the contract additions of this round, where the running rdmacheck has them.
type EnvV2 = LayerEnv & {
  moveToError?(path: number): void;
  layerMemoryWords?: number;
};
type Loose = (...args: unknown[]) => unknown;

/**
 * Builds the layer. `channelFor(host)` gives the channel an instance of `host` lives on: with
 * isolation each host has its own process (as in a real deployment), started again after a crash.
 */
export function bridgeLayer(
  desc: NativeDescriptor,
  library: string,
  isolation: 'process' | 'in-process',
  channelFor: (host: LayerHost) => Channel,
  closeAll: () => void,
): NativeLayer {
  let nextId = 1;
  const envs = new Map<number, EnvV2>();
  const pendingDestroy = new Map<Channel, number[]>();
  const registry = new FinalizationRegistry<{ channel: Channel; id: number }>(({ channel, id }) => {
    envs.delete(id);
    const list = pendingDestroy.get(channel) ?? [];
    list.push(id);
    pendingDestroy.set(channel, list);
  });

  const onEnv = (req: Reader): Buffer | undefined => {
    const env = envs.get(req.u32());
    return env ? serveEnv(env, req) : new Writer(MSG.REPLY).u8(0).bytes(Buffer.from('instance destroyed')).done();
  };

  /** One call on `channel`, after the destroys the garbage collector queued for it. */
  const call = (channel: Channel, msg: Buffer): number => {
    const queued = pendingDestroy.get(channel);
    if (queued) {
      pendingDestroy.delete(channel);
      if (channel.deadReason === undefined)
        for (const id of queued) channel.call(new Writer(MSG.DESTROY).u32(id).done(), onEnv);
    }
    return channel.call(msg, onEnv);
  };

  const create = (env: EnvV2): LayerInstance => {
    const id = nextId++;
    const channel = channelFor(env.host);
    envs.set(id, env);
    const created = guarded(channel, 'create', () =>
      call(
        channel,
        new Writer(MSG.CREATE)
          .u32(id)
          .u8(env.host.charCodeAt(0))
          .u32(env.paths)
          .i64(env.memoryWords ?? 0)
          .i64(env.layerMemoryWords ?? 0)
          .done(),
      ),
    );
    if (created !== 1) {
      envs.delete(id);
      throw new Error(`${desc.name}: create returned NULL`);
    }
    // Once the crash is reported, a dead instance is silent: the finding is the first LayerFault.
    const send = (during: string, w: Writer): void => {
      if (channel.deadReason === undefined) guarded(channel, during, () => call(channel, w.done()));
    };
    const instance: LayerInstance = {
      postSend: (wr) => send('post_send', new Writer(MSG.POST_SEND).u32(id).wr(wr)),
      postRecv: (wr) => send('post_recv', new Writer(MSG.POST_RECV).u32(id).i64(wr.id)),
      onCompletion: (path, wc) => send('on_completion', new Writer(MSG.COMPLETION).u32(id).u32(path).wc(wc)),
      onPortEvent: (path, event) =>
        send(
          'on_port_event',
          new Writer(MSG.PORT_EVENT)
            .u32(id)
            .u32(path)
            .u8(event === 'PORT_ERR' ? 0 : 1),
        ),
      onTimer: (token) => send('on_timer', new Writer(MSG.TIMER).u32(id).bytes(Buffer.from(token, 'utf8'))),
      onControl: (msg) => send('on_control', new Writer(MSG.CONTROL).u32(id).bytes(decodeControl(msg))),
    };
    registry.register(instance, { channel, id });
    return instance;
  };

  const opcodes = desc.opcodes === 0 ? undefined : OPCODES.filter((_, k) => desc.opcodes & (1 << k));
  return {
    name: desc.name,
    transparent: desc.transparent,
    ...(opcodes ? { opcodes } : {}),
    library,
    isolation,
    create,
    close: closeAll,
  };
}

/** Runs a call; a death of the layer's process becomes a LayerCrash naming the callback. */
function guarded(channel: Channel, during: string, run: () => number): number {
  try {
    return run();
  } catch (err) {
    if (err instanceof LayerCrash)
      throw new LayerCrash(`the C layer ${channel.deadReason ?? err.message} in ${during}`);
    throw err;
  }
}

const ok = new Writer(MSG.REPLY).u8(1).bytes(Buffer.alloc(0)).done();

/** Carries out one env request of the C code on `env`; the REPLY when the request wants one. */
function serveEnv(env: EnvV2, req: Reader): Buffer | undefined {
  switch (req.type) {
    case MSG.ENV_POST:
    case MSG.ENV_POST_RECV: {
      const path = req.u32();
      const r = req.type === MSG.ENV_POST ? env.post(path, req.wr()) : env.postRecv(path, { id: req.i64() });
      return r.ok ? Buffer.from(ok) : new Writer(MSG.REPLY).u8(0).bytes(Buffer.from(r.error, 'utf8')).done();
    }
    case MSG.ENV_RESET: {
      const path = req.u32();
      const sqPsn = req.u32();
      const rqPsn = req.u32();
      // reset(path) when both PSNs are the default 0, so the trace reads as a TypeScript layer's.
      if (sqPsn === 0 && rqPsn === 0) env.reset(path);
      else (env.reset as Loose)(path, { sqPsn, rqPsn });
      return undefined;
    }
    case MSG.ENV_TO_ERROR: {
      const path = req.u32();
      if (typeof env.moveToError !== 'function') {
        throw new Error(
          'move_to_error: this rdmacheck has no LayerEnv.moveToError yet (contract addition of issue 10)',
        );
      }
      env.moveToError(path);
      return undefined;
    }
    case MSG.ENV_DELIVER: {
      const wc = req.wc();
      const forWr = req.forWr();
      if (forWr === undefined) env.deliver(wc);
      else (env.deliver as Loose)(wc, { forWr });
      return undefined;
    }
    case MSG.ENV_TIMER: {
      const delayNs = req.i64();
      env.setTimer(delayNs, req.bytes().toString('utf8'));
      return undefined;
    }
    case MSG.ENV_CONTROL:
      env.sendControl(encodeControl(req.bytes()));
      return undefined;
    case MSG.ENV_NOW:
      return new Writer(MSG.REPLY).i64(env.now()).done();
    case MSG.ENV_MEM:
      return new Writer(MSG.REPLY).i64(serveMemory(env, req)).done();
    default:
      throw new Error(`C layer protocol: unexpected message type ${req.type}`);
  }
}

function serveMemory(env: EnvV2, req: Reader): number {
  const op = MEM_OPS[req.u8()];
  const addr = req.i64();
  const a = req.i64();
  const b = req.i64();
  const forWr = req.forWr();
  const o = forWr === undefined ? undefined : { forWr };
  const m = env.memory;
  switch (op) {
    case 'read':
      return o ? ((m.read as Loose)(addr, o) as number) : m.read(addr);
    case 'write':
      if (o) m.write(addr, a, o);
      else m.write(addr, a);
      return 0;
    case 'fetchAdd':
      return o ? m.fetchAdd(addr, a, o) : m.fetchAdd(addr, a);
    case 'cmpSwap':
      return o ? m.cmpSwap(addr, a, b, o) : m.cmpSwap(addr, a, b);
    default:
      throw new Error('C layer protocol: unknown memory operation');
  }
}
