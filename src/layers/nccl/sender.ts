/**
 * The sender (host A) of the NCCL model: requests split into one chunk per QP, error CQEs tracked
 * per slot, a probe READ of the receiver's completion record after PROBE_DELAY, then completion or
 * a selective replay on the replacement QPs (files under src/transport/net_ib at NCCL_COMMIT;
 * res.cc = p2p_resiliency.cc).
 */
import type { LayerEnv, LayerInstance } from '../../core/layer';
import type { SendWr, WcStatus, WorkCompletion } from '../../core/verbs';
import { Devices, requestIsComplete } from './devices';
import { NO_IMM, completionsAddr, sizesAddr, slotOf } from './records';
import type { NcclSettings } from './source';

/** A send request (struct ncclIbRequest, type SEND). */
interface SendRequest {
  id: number;
  wr: SendWr;
  /** sentData[logical QP index] (p2p.cc:252). */
  sentData: boolean[];
  /** events[device]: completions still expected per device. */
  events: number[];
}

/** struct ncclIbResiliencyRequestSend: one per slot; `gen` (id + 1) outlives the request. */
interface Tracking {
  gen: number;
  request: SendRequest | undefined;
  state: 'pending' | 'probePosted' | 'probeCompleted';
  failedAttempts: number;
}

/** Creates host A's instance of the NCCL model. */
export function createNcclSender(env: LayerEnv, settings: NcclSettings): LayerInstance {
  return new NcclSender(env, settings);
}

class NcclSender implements LayerInstance {
  private readonly devices: Devices;
  /** sendReqs[slot][0]; cleared when the request completes (p2p.cc:ncclIbRequestComplete:660-664). */
  private readonly sendReqs = new Map<number, SendRequest>();
  private readonly failedRequests = new Map<number, Tracking>();
  /** probingResults[slot]: the completions[] word the probe read (bit = QP index). */
  private readonly probingResults = new Map<number, number>();
  /** The layer's own WRs (zero-length WRITE_WITH_IMMs, probes): id -> slot. */
  private readonly invented = new Map<number, { slot: number; probe: boolean }>();
  private nextInventedId = -1;
  /** The next request id (NCCL's per-communicator counter). */
  private nextRequestId = 1;
  /** The slot of each application WR the layer posted (wr_id carries only slot bits, p2p.cc:104-105). */
  private readonly wrSlot = new Map<number, number>();
  /** The receiver's layer words start here (B has the same memoryWords as A). */
  private readonly peerLayerBase: number;
  private aborted = false;

  constructor(
    private readonly env: LayerEnv,
    private readonly settings: NcclSettings,
  ) {
    this.devices = new Devices(env.paths);
    this.peerLayerBase = env.memoryWords ?? 16;
  }

  /**
   * ncclIbIsend: a request in slot id % 256 whose events count one completion per chunk on the
   * device of activeQps[(id*nqps+i)%nqps], then ncclIbMultiSend (p2p.cc:83-260). The data path
   * carries WRITE and WRITE_WITH_IMM only: anything else is refused without being posted.
   */
  postSend(wr: SendWr): void {
    if (this.aborted) return this.env.deliver({ wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: wr.opcode });
    const id = this.nextRequestId;
    const slot = slotOf(id);
    // Model glue, no source rule: NCCL's data path posts nothing but these two opcodes (the layer
    // declares them), and its CTS would make a request whose slot is busy wait; the CTS exchange
    // is not modelled (NCCL_OMISSIONS), so such a request is refused instead.
    if ((wr.opcode !== 'WRITE' && wr.opcode !== 'WRITE_WITH_IMM') || this.sendReqs.has(slot)) {
      return this.env.deliver({ wrId: wr.id, status: 'LOC_QP_OP_ERR', opcode: wr.opcode });
    }
    // The request id: the sender's requests in posting order, as it takes the receiver's CTS
    // FIFO slot by slot (p2p.cc:ncclIbIsend); counted from 1 in the model.
    this.nextRequestId++;
    const req: SendRequest = {
      id,
      wr,
      sentData: Array.from({ length: this.devices.nqps }, () => false),
      events: Array.from({ length: this.devices.n }, () => 0),
    };
    for (let i = 0; i < this.devices.nqps; i++) req.events[this.devices.qpForRequest(id, i).physical]++;
    this.sendReqs.set(slot, req);
    this.wrSlot.set(wr.id, slot);
    this.multiSend(req);
  }

  /** The application posts no RECVs on the sender; any it does go to path 0 as they are. */
  postRecv(wr: { id: number }): void {
    if (!this.env.postRecv(0, wr).ok) this.env.deliver({ wrId: wr.id, status: 'WR_FLUSH_ERR', opcode: 'RECV' });
  }

  onCompletion(path: number, wc: WorkCompletion): void {
    if (this.aborted) return;
    if (wc.opcode === 'RECV') return this.env.deliver(wc);
    const inv = this.invented.get(wc.wrId);
    const slot = inv ? inv.slot : (this.wrSlot.get(wc.wrId) ?? -1);
    if (inv?.probe) this.onProbeCompletion(path, wc, slot);
    else if (wc.status === 'SUCCESS') this.onSuccess(path, slot);
    else this.onError(path, wc.status, slot);
    this.testAll();
  }

  onTimer(token: string): void {
    if (this.aborted) return;
    const [kind, s, i] = token.split(':');
    const tracking = this.failedRequests.get(Number(s));
    // res.cc:ncclIbResiliencyProgress:1093-1096: a pending request posts its probe once PROBE_DELAY passed.
    if (kind === 'nccl-probe' && tracking?.request?.id === Number(i) && tracking.state === 'pending')
      this.probePost(tracking);
    this.testAll();
  }

  /** p2p.cc:ncclIbCompletionEventProcess:695-733: sendReqs[wr_id & 0xff][0]; NULL is ncclInternalError. */
  private onSuccess(path: number, slot: number): void {
    const req = this.sendReqs.get(slot);
    if (!req) return this.abort('LOC_QP_OP_ERR', `success CQE for slot ${slot} with no request`);
    req.events[path]--;
  }

  /**
   * res.cc:ncclIbResiliencyHandleCompletionError:1042-1062: not fatal (CheckErrorNotFatal), then the
   * device is marked failed and its QPs replaced, then the sender tracks the slot
   * (HandleCompletionErrorSender:340-369, SendRequestInit:124-179).
   */
  private onError(path: number, status: WcStatus, slot: number): void {
    if (this.devices.fatalReason(status, path) !== undefined || !this.devices.fail(path))
      return this.abort(status, 'fatal completion error');
    const req = this.sendReqs.get(slot);
    if (!req) return; // res.cc:349-355: a stale CQE for a slot already handled: ignored
    const tracking = this.failedRequests.get(slot);
    // res.cc:129-147: already tracked (a sibling chunk failed) or already replayed and released
    // ("The CQE should be ignored"): a replay's own error ends here (field-layers.md 1.3 step 6).
    if (tracking && tracking.gen === req.id + 1) return;
    // res.cc:151-156: a CQE of a request older than the one tracked in its slot is an error out of
    // ncclIbTest (the source tests <=; equality already returned above).
    if (tracking && req.id + 1 < tracking.gen) return this.abort(status, 'replay of an old request');
    this.failedRequests.set(slot, { gen: req.id + 1, request: req, state: 'pending', failedAttempts: 0 });
    // res.cc:466-472: PROBE_DELAY counted from now (errorInfo.time = clockNano()).
    this.env.setTimer(this.settings.probeDelayNs, `nccl-probe:${slot}:${req.id}`);
  }

  /**
   * res.cc:ncclIbResiliencyProbePost:455-532: more than MAX_ATTEMPTS failed probes is fatal; a
   * signaled READ of the slot's completions[] on the first OK device.
   */
  private probePost(tracking: Tracking): void {
    const req = tracking.request!;
    if (tracking.failedAttempts > this.settings.maxAttempts)
      return this.abort('RETRY_EXC_ERR', 'probe attempts exhausted');
    const device = this.devices.firstOk();
    if (device === undefined) return this.abort('RETRY_EXC_ERR', 'no functional device to probe');
    const slot = slotOf(req.id);
    const id = this.nextInventedId--;
    this.invented.set(id, { slot, probe: true });
    const addr = completionsAddr(this.peerLayerBase, slot);
    // The probe is posted under NCCLCHECK (res.cc:455-532): a refused post is an error out of ncclIbTest.
    if (!this.env.post(device, { id, opcode: 'READ', addr, signaled: true }).ok)
      return this.abort('LOC_QP_OP_ERR', 'probe post refused');
    tracking.state = 'probePosted';
  }

  /**
   * res.cc:ncclIbResiliencyProbeHandleCompletionEvent:534-557: success marks the probe completed
   * (handled at once, as the next progress call would: 1098-1101); an error, once judged not fatal,
   * fails that device and counts a failed attempt, and the probe is posted again.
   */
  private onProbeCompletion(path: number, wc: WorkCompletion, slot: number): void {
    const tracking = this.failedRequests.get(slot);
    // Model glue: a probe CQE for a slot no longer probing (already decided) changes nothing; the
    // source has at most one probe per tracked slot in flight (res.cc:455-532).
    if (!tracking?.request || tracking.state !== 'probePosted') return;
    if (wc.status === 'SUCCESS') {
      this.probingResults.set(slot, wc.value ?? 0);
      tracking.state = 'probeCompleted';
      this.handleProbeCompleted(tracking);
      // res.cc:ncclIbResiliencySendRequestFree:181-204 (1090): the entry is freed once the replay is
      // posted; its gen stays, so later CQEs of this id are ignored.
      tracking.request = undefined;
      tracking.state = 'pending';
      return;
    }
    if (this.devices.fatalReason(wc.status, path) !== undefined || !this.devices.fail(path))
      return this.abort(wc.status, 'fatal probe error');
    tracking.state = 'pending';
    tracking.failedAttempts++;
    this.probePost(tracking);
  }

  /**
   * res.cc:ncclIbResiliencyHandleProbeCompleted:409-451: every QP with sentData reads 1: the events
   * are cleared (the request completes); otherwise RepostRequest (206-266): events cleared, then for
   * each chunk whose flag is 0, sentData cleared and one event added on its current device; MultiSend
   * posts those chunks again with the same immediate. The flag is looked up at the logical index.
   */
  private handleProbeCompleted(tracking: Tracking): void {
    const req = tracking.request!;
    const flags = this.probingResults.get(slotOf(req.id)) ?? 0;
    const delivered = (qpIndex: number) => (flags & (1 << qpIndex)) !== 0;
    const missing = req.sentData.some((sent, qpIndex) => sent && !delivered(qpIndex));
    req.events.fill(0);
    if (!missing) return;
    for (let i = 0; i < this.devices.nqps; i++) {
      const { logical, physical } = this.devices.qpForRequest(req.id, i);
      if (delivered(logical)) continue;
      req.sentData[logical] = false;
      req.events[physical]++;
    }
    this.multiSend(req);
  }

  /**
   * p2p.cc:ncclIbMultiSend:83-260: per chunk i, the QP activeQps[(id*nqps+i)%nqps]; a chunk whose
   * sentData is set is skipped (161-170); each posted chunk sets sentData (252). A small request
   * is one signaled WRITE_WITH_IMM per chunk (imm = id, 128-147); the model's WRITE request sends
   * its data by an unsignaled WRITE and each chunk's WRITE_WITH_IMM writes the size into the
   * receiver's record (131-142). Only chunk 0 carries data (NCCL_OMISSIONS).
   */
  private multiSend(req: SendRequest): void {
    const slot = slotOf(req.id);
    const { wr } = req;
    for (let i = 0; i < this.devices.nqps; i++) {
      const { logical, physical } = this.devices.qpForRequest(req.id, i);
      if (req.sentData[logical]) continue;
      const carriesData = i === 0;
      const posts: SendWr[] = [];
      if (wr.opcode === 'WRITE_WITH_IMM' && carriesData) {
        // The payload is the model's tag (the application's WR id and imm): NCCL carries no such
        // thing; the receiver's layer uses it only to name the message it hands over.
        const tag = [wr.id, wr.imm ?? NO_IMM];
        posts.push({
          id: wr.id,
          opcode: 'WRITE_WITH_IMM',
          addr: wr.addr,
          value: wr.value,
          imm: req.id,
          signaled: true,
          payload: tag,
        });
      } else if (wr.opcode === 'WRITE_WITH_IMM') {
        posts.push({ id: this.invent(slot), opcode: 'WRITE_WITH_IMM', imm: req.id, signaled: true });
      } else {
        if (carriesData) posts.push({ id: wr.id, opcode: 'WRITE', addr: wr.addr, value: wr.value, signaled: false });
        const sizes = sizesAddr(this.peerLayerBase, slot);
        posts.push({
          id: this.invent(slot),
          opcode: 'WRITE_WITH_IMM',
          addr: sizes,
          value: 8,
          imm: req.id,
          signaled: true,
        });
      }
      for (const p of posts) if (!this.env.post(physical, p).ok) return this.abort('LOC_QP_OP_ERR', 'post refused'); // NCCLCHECK(wrap_ibv_post_send)
      req.sentData[logical] = true;
    }
  }

  private invent(slot: number): number {
    const id = this.nextInventedId--;
    this.invented.set(id, { slot, probe: false });
    return id;
  }

  /** ncclIbTest on every posted request: complete once the count rule holds (p2p.cc:830-833, 629-672). */
  private testAll(): void {
    if (this.aborted) return;
    for (const [slot, req] of [...this.sendReqs]) {
      if (!requestIsComplete(req.events)) continue;
      this.sendReqs.delete(slot);
      if (req.wr.signaled !== false) this.env.deliver({ wrId: req.wr.id, status: 'SUCCESS', opcode: req.wr.opcode });
    }
  }

  /** A fatal error out of ncclIbTest: the communicator is dead; every outstanding request fails. */
  private abort(status: WcStatus, _why: string): void {
    this.aborted = true;
    const failStatus: WcStatus = status === 'SUCCESS' ? 'LOC_QP_OP_ERR' : status;
    for (const req of this.sendReqs.values())
      this.env.deliver({ wrId: req.wr.id, status: failStatus, opcode: req.wr.opcode });
    this.sendReqs.clear();
  }
}
