/**
 * The receiver (host B) of the NCCL model: pre-posted zero-SGE RECVs, receive requests looked up by
 * imm % 256 at poll time, completion flags written into the completion records the sender's probe
 * reads, and the count-based completion rule (files under src/transport/net_ib at NCCL_COMMIT).
 */
import type { LayerEnv, LayerInstance } from '../../core/layer';
import type { RecvWr, SendWr, WorkCompletion } from '../../core/verbs';
import { Devices, requestIsComplete } from './devices';
import { NO_IMM, completionsAddr, sizesAddr, slotOf } from './records';
import type { NcclSettings } from './source';

/** ncclIbTest polls up to 4 CQEs per device per round (p2p.cc:827, 845: struct ibv_wc wcs[4], ibv_poll_cq(cq, 4, ...)). */
const CQES_PER_POLL = 4;

/** A request object of the pool (struct ncclIbRequest): freeing only resets its type. */
interface RequestObject {
  type: 'UNUSED' | 'RECV';
  id: number;
  events: number[];
  /** The model's tag of this request's own data chunk, once it arrived (attribution only). */
  tag: { wrId: number; imm: number } | undefined;
}

/** Creates host B's instance of the NCCL model. */
export function createNcclReceiver(env: LayerEnv, settings: NcclSettings): LayerInstance {
  return new NcclReceiver(env, settings);
}

class NcclReceiver implements LayerInstance {
  private readonly devices: Devices;
  private readonly pool: RequestObject[] = [];
  /** recvReqs[slot]: never cleared (field-layers.md 1.1). */
  private readonly recvReqs = new Map<number, RequestObject>();
  private readonly base: number;
  private readonly limit: number;
  /** The application's RECVs, waiting for a message request to complete. */
  private readonly appRecvs: number[] = [];
  /** Completed message requests waiting for an application RECV. */
  private readonly completedMessages: { id: number; tag: { wrId: number; imm: number } | undefined }[] = [];
  /** Record words the layer memory cannot hold (a run without the declared layerMemoryWords). */
  private readonly overflow = new Map<number, number>();
  /** CQEs polled by the host but not yet processed, per device (the CQ). */
  private readonly cq: WorkCompletion[][];
  private pollArmed = false;
  private nextRecvId = 1;
  private nextInventedId = -1;
  private aborted = false;

  constructor(
    private readonly env: LayerEnv,
    settings: NcclSettings,
  ) {
    this.devices = new Devices(env.paths);
    this.cq = Array.from({ length: env.paths }, () => []);
    this.base = env.memoryWords ?? 16;
    this.limit = this.base + (env.layerMemoryWords ?? 0);
    // connect.cc:1333-1352: each data QP gets zero-SGE RECVs with a dummy wr_id (the model: rqDepth each).
    for (let path = 0; path < env.paths; path++) for (let k = 0; k < settings.rqDepth; k++) this.postDummyRecv(path);
    for (let k = 0; k < settings.recvWindow; k++) this.irecv();
  }

  /** B's application posts no sends in the model's workloads; any it does go to path 0 as they are. */
  postSend(wr: SendWr): void {
    if (!this.env.post(0, wr).ok) this.env.deliver({ wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: wr.opcode });
  }

  /** An application RECV: the receiving application's interest in the next message request. */
  postRecv(wr: RecvWr): void {
    if (this.aborted) return this.env.deliver({ wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: 'RECV' });
    this.appRecvs.push(wr.id);
    this.handOver();
  }

  /**
   * A CQE reaches the layer when the host polls (its poll delay). NCCL polls in rounds: up to 4
   * CQEs per device, then a completion check (p2p.cc:ncclIbTest:828-872). The model queues the
   * CQEs the simulator hands over at one instant and polls them in such rounds on a zero-delay
   * timer, so CQEs that wait in the CQ together are processed together.
   */
  onCompletion(path: number, wc: WorkCompletion): void {
    if (this.aborted) return;
    if (wc.wrId >= 0) return this.env.deliver(wc); // a completion of the application's own WR
    this.cq[path].push(wc);
    if (!this.pollArmed) {
      this.pollArmed = true;
      this.env.setTimer(0, 'nccl-poll');
    }
  }

  onTimer(token: string): void {
    if (token !== 'nccl-poll') return;
    this.pollArmed = false;
    let polled: number;
    do {
      polled = 0;
      for (let device = 0; device < this.devices.n && !this.aborted; device++) {
        for (const wc of this.cq[device].splice(0, CQES_PER_POLL)) {
          polled++;
          if (this.aborted) break;
          this.processCqe(device, wc);
        }
      }
      if (!this.aborted) this.testAll(); // between rounds (p2p.cc:829-833)
    } while (polled > 0 && !this.aborted);
  }

  private processCqe(path: number, wc: WorkCompletion): void {
    if (wc.status !== 'SUCCESS') {
      // res.cc:ncclIbResiliencyHandleCompletionError:1042-1062 then HandleCompletionErrorReceiver
      // (276-289): a RECV with the dummy wr_id can only be a flush: nothing else to do, but the
      // device is marked failed and its QPs replaced.
      if (this.devices.fatalReason(wc.status, path) !== undefined || !this.devices.fail(path)) this.abort();
      return;
    }
    this.onData(path, wc);
  }

  /**
   * p2p.cc:ncclIbCompletionEventProcess:747-781 for a RECV_RDMA_WITH_IMM: recvReqs[imm % 256]
   * without checking its id (594-598); an UNUSED request returns early without re-posting the RECV
   * (748-755); otherwise the flag of this physical QP is set in the request's own record (777-778),
   * one RECV is re-posted and events[device] decremented.
   */
  private onData(path: number, wc: WorkCompletion): void {
    const imm = wc.imm ?? 0;
    const req = this.recvReqs.get(slotOf(imm));
    // p2p.cc:748-755: an UNUSED request returns early without re-posting the RECV. A slot never
    // used (!req) would be a NULL dereference in the source; the model ignores the CQE instead.
    if (!req || req.type === 'UNUSED') return;
    if (imm === req.id && wc.payload && wc.payload.length === 2) req.tag = { wrId: wc.payload[0], imm: wc.payload[1] };
    const flags = completionsAddr(this.base, slotOf(req.id));
    this.write(flags, this.read(flags) | (1 << path));
    this.postDummyRecv(path);
    req.events[path]--;
  }

  /**
   * p2p.cc:ncclIbIrecv:442-500: the lowest free request object (p2p.cc:ncclIbGetRequest:21-36),
   * recvReqs[id % 256] = it, one event per chunk on the device of activeQps, the record's sizes and
   * completions cleared (498-500). The CTS that follows is not modelled (NCCL_OMISSIONS).
   */
  private irecv(): void {
    const id = this.nextRecvId++;
    let req = this.pool.find((r) => r.type === 'UNUSED');
    if (!req) {
      req = { type: 'UNUSED', id: 0, events: [], tag: undefined };
      this.pool.push(req);
    }
    req.type = 'RECV';
    req.id = id;
    req.events = Array.from({ length: this.devices.n }, () => 0);
    req.tag = undefined;
    for (let i = 0; i < this.devices.nqps; i++) req.events[this.devices.qpForRequest(id, i).physical]++;
    this.recvReqs.set(slotOf(id), req);
    const slot = slotOf(id);
    this.write(sizesAddr(this.base, slot), 0);
    this.write(completionsAddr(this.base, slot), 0);
  }

  /**
   * ncclIbTest on each posted receive request, in id order: complete once the count rule holds
   * (p2p.cc:830-833); ncclIbRequestComplete (629-672) reports sizes[] when sizes[0] > 0, else
   * aggSize, and frees the object (its type only, p2p.cc:38-41). The proxy then posts the next irecv.
   */
  private testAll(): void {
    const posted = this.pool.filter((r) => r.type === 'RECV').sort((a, b) => a.id - b.id);
    for (const req of posted) {
      if (!requestIsComplete(req.events)) continue;
      const sizes = this.read(sizesAddr(this.base, slotOf(req.id)));
      req.type = 'UNUSED';
      // sizes[0] > 0: the model's WRITE request (its data came by RDMA WRITE): nothing to hand over.
      if (sizes === 0) this.completedMessages.push({ id: req.id, tag: req.tag });
      this.irecv();
    }
    this.handOver();
  }

  /** Completed message requests go to the application's RECVs in order. */
  private handOver(): void {
    while (this.appRecvs.length > 0 && this.completedMessages.length > 0) {
      const recv = this.appRecvs.shift()!;
      const msg = this.completedMessages.shift()!;
      const tag = msg.tag;
      const wc: WorkCompletion = { wrId: recv, status: 'SUCCESS', opcode: 'RECV', withImm: true };
      if (tag && tag.imm !== NO_IMM) wc.imm = tag.imm;
      // Attributed to the sender's WR only when that request's own data chunk arrived; a request
      // completed by another request's chunks reaches the application as nobody's message.
      this.env.deliver(wc, tag ? { forWr: tag.wrId } : undefined);
    }
  }

  /**
   * A record word: in the layer memory the peer can READ, or, when the run gives the layer fewer
   * words than NCCL_QP_SETTINGS declares, in host memory the peer cannot reach (its probe and size
   * writes then fail with REM_ACCESS_ERR, which the model treats as fatal, as NCCL does).
   */
  private read(addr: number): number {
    return addr < this.limit ? this.env.memory.read(addr) : (this.overflow.get(addr) ?? 0);
  }

  private write(addr: number, value: number): void {
    if (addr < this.limit) this.env.memory.write(addr, value);
    else this.overflow.set(addr, value);
  }

  private postDummyRecv(path: number): void {
    this.env.postRecv(path, { id: this.nextInventedId-- });
  }

  /** A fatal error out of ncclIbTest: the communicator is dead; waiting RECVs fail. */
  private abort(): void {
    this.aborted = true;
    for (const recv of this.appRecvs.splice(0))
      this.env.deliver({ wrId: recv, status: 'WR_FLUSH_ERR', opcode: 'RECV' });
  }
}
