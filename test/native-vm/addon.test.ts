/**
 * The addon on real Soft-RoCE (one guest, loopback between two QPs on rxe0): device list, port
 * and GID query, PD, MR over JavaScript memory, CQ, RC QP transitions with their attributes,
 * batched post_send, post_recv, poll_cq, atomics, error reporting and release on close.
 */
import { spawnSync } from 'child_process';
import { addonPath, requireAddon } from '../../adapters/native/binding';
import type {
  VerbsAddon,
  VerbsContext,
  VerbsCq,
  VerbsMr,
  VerbsPd,
  VerbsQp,
  VerbsWc,
} from '../../adapters/native/binding';
import { describeNative } from './support';

describeNative(
  'the ibverbs addon on rxe0',
  () => {
    let addon: VerbsAddon;
    let ctx: VerbsContext;
    let pd: VerbsPd;
    let cq: VerbsCq;
    let mem: BigInt64Array;
    let mr: VerbsMr;
    let qa: VerbsQp;
    let qb: VerbsQp;
    let gid: string;

    /** Polls until `n` completions arrived (or 5 s passed). */
    async function pollN(n: number): Promise<VerbsWc[]> {
      const out: VerbsWc[] = [];
      const deadline = process.hrtime.bigint() + 5_000_000_000n;
      while (out.length < n && process.hrtime.bigint() < deadline) {
        out.push(...cq.poll(16));
        await new Promise((r) => setTimeout(r, 1));
      }
      return out;
    }

    function connect(q: VerbsQp, peer: VerbsQp, psn: number, peerPsn: number): void {
      q.modify({
        state: 'INIT',
        pkeyIndex: 0,
        portNum: 1,
        access: ['LOCAL_WRITE', 'REMOTE_WRITE', 'REMOTE_READ', 'REMOTE_ATOMIC'],
      });
      q.modify({
        state: 'RTR',
        pathMtu: 1024,
        destQpNum: peer.qpNum,
        rqPsn: peerPsn,
        maxDestRdAtomic: 4,
        minRnrTimer: 12,
        ah: { dgid: gid, sgidIndex: 1, portNum: 1, hopLimit: 64 },
      });
      q.modify({ state: 'RTS', timeout: 12, retryCnt: 6, rnrRetry: 7, sqPsn: psn, maxRdAtomic: 4 });
    }

    beforeAll(() => {
      addon = requireAddon('test');
      ctx = addon.openDevice('rxe0');
      pd = ctx.allocPd();
      cq = ctx.createCq(64);
      mem = new BigInt64Array(64);
      mr = pd.regMr(mem, ['LOCAL_WRITE', 'REMOTE_WRITE', 'REMOTE_READ', 'REMOTE_ATOMIC']);
      gid = ctx.queryGid(1, 1);
      qa = pd.createQp({ sendCq: cq, recvCq: cq, maxSendWr: 16, maxRecvWr: 16 });
      qb = pd.createQp({ sendCq: cq, recvCq: cq, maxSendWr: 16, maxRecvWr: 16 });
      connect(qa, qb, 100, 200);
      connect(qb, qa, 200, 100);
    });

    afterAll(() => ctx?.close());

    test("the device list has both Soft-RoCE devices, and rxe0's port is an active Ethernet port", () => {
      expect(
        addon
          .getDevices()
          .map((d) => d.name)
          .sort(),
      ).toEqual(['rxe0', 'rxe1']);
      expect(ctx.name).toBe('rxe0');
      expect(ctx.queryPort(1)).toMatchObject({ state: 'ACTIVE', linkLayer: 'ETHERNET' });
    });

    test('GID index 1 is the RoCEv2 IPv4-mapped address of eth0', () => {
      expect(gid).toMatch(/^00000000000000000000ffff0a0[12]000[12]$/);
    });

    test('a QP walks RESET -> INIT -> RTR -> RTS with the attributes it was given', () => {
      expect(qa.query()).toMatchObject({
        state: 'RTS',
        destQpNum: qb.qpNum,
        timeout: 12,
        retryCnt: 6,
        rnrRetry: 7,
        pathMtu: 1024,
      });
    });

    test('WRITE, READ, FETCH_ADD and CMP_SWAP posted as one batch act on memory JavaScript sees', async () => {
      mem.fill(0n);
      mem[0] = 5n; // local source of the WRITE
      mem[10] = 40n;
      qa.postSend([
        { wrId: 1, opcode: 'WRITE', local: { mr, offset: 0, length: 8 }, remoteAddr: mr.addr + 8n, rkey: mr.rkey },
        { wrId: 2, opcode: 'READ', local: { mr, offset: 16, length: 8 }, remoteAddr: mr.addr + 80n, rkey: mr.rkey },
        {
          wrId: 3,
          opcode: 'FETCH_ADD',
          local: { mr, offset: 24, length: 8 },
          remoteAddr: mr.addr + 80n,
          rkey: mr.rkey,
          compareAdd: 2,
        },
        {
          wrId: 4,
          opcode: 'CMP_SWAP',
          local: { mr, offset: 32, length: 8 },
          remoteAddr: mr.addr + 80n,
          rkey: mr.rkey,
          compareAdd: 42,
          swap: 7,
        },
      ]);
      const wcs = await pollN(4);
      expect(wcs.map((w) => [w.wrId, w.status, w.opcode])).toEqual([
        [1, 'SUCCESS', 'RDMA_WRITE'],
        [2, 'SUCCESS', 'RDMA_READ'],
        [3, 'SUCCESS', 'FETCH_ADD'],
        [4, 'SUCCESS', 'COMP_SWAP'],
      ]);
      expect([mem[1], mem[2], mem[3], mem[4], mem[10]]).toEqual([5n, 40n, 40n, 42n, 7n]);
    });

    test('SEND with immediate data lands in a posted RECV, with its length and imm', async () => {
      mem[20] = 99n;
      qb.postRecv([{ wrId: 50, local: { mr, offset: 30 * 8, length: 64 } }]);
      qa.postSend([{ wrId: 51, opcode: 'SEND_WITH_IMM', local: { mr, offset: 20 * 8, length: 8 }, imm: 0xdead }]);
      const wcs = await pollN(2);
      const recv = wcs.find((w) => w.wrId === 50)!;
      expect(recv).toMatchObject({ status: 'SUCCESS', opcode: 'RECV', byteLen: 8, imm: 0xdead, qpNum: qb.qpNum });
      expect(mem[30]).toBe(99n);
    });

    test('a remote address outside the MR completes with REM_ACCESS_ERR and the QP goes to ERR', async () => {
      const q1 = pd.createQp({ sendCq: cq, recvCq: cq, maxSendWr: 4, maxRecvWr: 4 });
      const q2 = pd.createQp({ sendCq: cq, recvCq: cq, maxSendWr: 4, maxRecvWr: 4 });
      connect(q1, q2, 1, 2);
      connect(q2, q1, 2, 1);
      q1.postSend([
        { wrId: 60, opcode: 'WRITE', local: { mr, offset: 0, length: 8 }, remoteAddr: mr.addr + 4096n, rkey: mr.rkey },
      ]);
      const [wc] = await pollN(1);
      expect(wc).toMatchObject({ wrId: 60, status: 'REM_ACCESS_ERR' });
      expect(q1.query().state).toBe('ERR');
      q1.postSend([
        { wrId: 61, opcode: 'WRITE', local: { mr, offset: 0, length: 8 }, remoteAddr: mr.addr, rkey: mr.rkey },
      ]);
      expect((await pollN(1))[0]).toMatchObject({ wrId: 61, status: 'WR_FLUSH_ERR' });
      q1.close();
      q2.close();
    });

    test('an illegal transition is a verbs Error with the verb, errno and code', () => {
      const q = pd.createQp({ sendCq: cq, recvCq: cq, maxSendWr: 4, maxRecvWr: 4 });
      let err: (Error & { verb?: string; errno?: number; code?: string }) | undefined;
      try {
        q.modify({ state: 'RTS', timeout: 12, retryCnt: 6, rnrRetry: 7, sqPsn: 0, maxRdAtomic: 1 });
      } catch (e) {
        err = e as Error;
      }
      expect(err).toMatchObject({ verb: 'ibv_modify_qp', errno: 22, code: 'EINVAL' });
      expect(q.query().state).toBe('RESET'); // the failed call changed nothing
      q.modify({ state: 'INIT', pkeyIndex: 0, portNum: 1, access: ['LOCAL_WRITE'] });
      q.modify({ state: 'ERR' });
      expect(q.query().state).toBe('ERR');
      q.close();
    });

    test('argument errors are TypeErrors, never a crash', () => {
      const name = (fn: () => unknown) => {
        try {
          fn();
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
        return 'no error';
      };
      expect(name(() => qa.postSend([{ wrId: 1, opcode: 'NOPE' as never }]))).toMatch(
        /^TypeError: Qp\.postSend: opcode must be/,
      );
      expect(
        name(() =>
          qa.postSend([{ wrId: 1, opcode: 'WRITE', local: { mr, offset: 4096, length: 8 }, remoteAddr: 0n, rkey: 1 }]),
        ),
      ).toMatch(/^TypeError: Qp\.postSend: local range 4096\+8 is outside the MR/);
      expect(name(() => pd.regMr(123 as never, []))).toMatch(/^TypeError: Pd\.regMr: buffer must be/);
      expect(name(() => qa.modify({ state: 'RTS', retryCnt: 9 }))).toMatch(
        /^TypeError: Qp\.modify: retryCnt must be an integer in 0\.\.7/,
      );
      expect(name(() => pd.createQp({ sendCq: {} as never, recvCq: cq, maxSendWr: 1, maxRecvWr: 1 }))).toMatch(
        /sendCq must be a Cq/,
      );
    });

    test('closing the context releases its PDs, MRs, CQs and QPs; later use is an Error, not a crash', () => {
      const c = addon.openDevice('rxe1');
      const p = c.allocPd();
      const q = c.createCq(4);
      const m = p.regMr(new ArrayBuffer(64), ['LOCAL_WRITE']);
      const qp = p.createQp({ sendCq: q, recvCq: q, maxSendWr: 1, maxRecvWr: 1 });
      c.close();
      expect(c.closed).toBe(true);
      expect(() => qp.query()).toThrow(/the queue pair is destroyed/);
      expect(() => m.lkey).toThrow(/deregistered/);
      expect(() => p.regMr(new ArrayBuffer(8), [])).toThrow(/closed/);
      expect(() => c.close()).not.toThrow(); // idempotent
    });

    test('resources left to the garbage collector are released by finalizers (no descriptor leak)', () => {
      // Each round opens a device context (one /dev/infiniband fd) with a CQ, PD and QP and drops
      // them unclosed; without finalizers the process would hold 300 more descriptors at the end.
      const script = `
      const a = require(${JSON.stringify(addonPath())});
      const fds = () => require('fs').readdirSync('/proc/self/fd').length;
      const before = fds();
      for (let k = 0; k < 300; k++) {
        const c = a.openDevice('rxe1'); const q = c.createCq(4);
        c.allocPd().createQp({ sendCq: q, recvCq: q, maxSendWr: 1, maxRecvWr: 1 });
        if (k % 50 === 49) global.gc();
      }
      global.gc();
      setTimeout(() => { global.gc(); setTimeout(() => console.log(JSON.stringify({ before, after: fds() })), 50); }, 50);`;
      const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const { before, after } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { before: number; after: number };
      expect(after - before).toBeLessThan(30);
    });
  },
  false,
);
