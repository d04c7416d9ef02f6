/**
 * The message protocol between rdmacheck and a C-ABI layer (adapters/clayer/src/protocol.h is
 * the C side; keep the two in step). Little-endian; 64-bit fields carry JavaScript safe integers.
 * Work requests and completions decode with their keys in one canonical order (the order of
 * SendWr and WorkCompletion in src/core/verbs.ts), so a trace does not depend on the layer's
 * language.
 */
import type { Opcode, SendWr, WcStatus, WorkCompletion } from '../../src/core/verbs';
import { OPCODES, WC_STATUSES } from '../../src/core/verbs';

/** Message types (protocol.h). */
export const MSG = {
  CREATE: 1,
  DESTROY: 2,
  POST_SEND: 3,
  POST_RECV: 4,
  COMPLETION: 5,
  PORT_EVENT: 6,
  TIMER: 7,
  CONTROL: 8,
  DONE: 20,
  ENV_POST: 21,
  ENV_POST_RECV: 22,
  ENV_RESET: 23,
  ENV_TO_ERROR: 24,
  ENV_DELIVER: 25,
  ENV_TIMER: 26,
  ENV_CONTROL: 27,
  ENV_NOW: 28,
  ENV_MEM: 29,
  DIED: 30,
  HELLO: 31,
  REPLY: 40,
} as const;

/** The memory operations of MSG.ENV_MEM, by their code. */
export const MEM_OPS = ['read', 'write', 'fetchAdd', 'cmpSwap'] as const;

// The C enums: rdmacheck_opcode is OPCODES then RECV; rdmacheck_wc_status is WC_STATUSES.
const C_OPCODES: readonly (Opcode | 'RECV')[] = [...OPCODES, 'RECV'];
const OPCODE_CODE = new Map(C_OPCODES.map((o, k) => [o, k]));
const STATUS_CODE = new Map(WC_STATUSES.map((s, k) => [s, k]));

// rdmacheck_send_wr.flags and rdmacheck_wc.flags (layer.h).
const WR = { addr: 1, value: 2, add: 4, compare: 8, swap: 16, imm: 32 } as const;
const WR_SIGNALED = [1 << 6, 1 << 7] as const;
const WR_FENCE = [1 << 8, 1 << 9] as const;
const WR_NO_RETRANSMIT = [1 << 10, 1 << 11] as const;
const WR_PAYLOAD = 1 << 12;
const WC_VALUE = 1;
const WC_IMM = 2;
const WC_WITH_IMM = [4, 8] as const;
const WC_PAYLOAD = 16;
const WORD_FIELDS = ['addr', 'value', 'add', 'compare', 'swap', 'imm'] as const;
const TWO_32 = 2 ** 32;

/** Builds one message. */
export class Writer {
  private buf = Buffer.allocUnsafe(256);
  private at = 0;

  constructor(type: number) {
    this.u8(type);
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.at++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.room(4);
    this.buf.writeUInt32LE(v >>> 0, this.at);
    this.at += 4;
    return this;
  }

  /** A safe integer as int64 (anything else as 0: the contract's rules judge the original). */
  i64(v: number | undefined): this {
    const n = typeof v === 'number' && Number.isSafeInteger(v) ? v : 0;
    const hi = Math.floor(n / TWO_32);
    this.room(8);
    this.buf.writeUInt32LE(n - hi * TWO_32, this.at);
    this.buf.writeInt32LE(hi, this.at + 4);
    this.at += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
    return this;
  }

  wr(wr: SendWr): this {
    let flags = 0;
    for (const f of WORD_FIELDS) if (wr[f] !== undefined) flags |= WR[f];
    if (wr.signaled !== undefined) flags |= WR_SIGNALED[0] | (wr.signaled ? WR_SIGNALED[1] : 0);
    if (wr.fence !== undefined) flags |= WR_FENCE[0] | (wr.fence ? WR_FENCE[1] : 0);
    if (wr.noRetransmit !== undefined) flags |= WR_NO_RETRANSMIT[0] | (wr.noRetransmit ? WR_NO_RETRANSMIT[1] : 0);
    if (wr.payload !== undefined) flags |= WR_PAYLOAD;
    this.i64(wr.id)
      .u32(OPCODE_CODE.get(wr.opcode) ?? 0xffff)
      .u32(flags);
    for (const f of WORD_FIELDS) this.i64(wr[f]);
    return this.words(wr.payload);
  }

  wc(wc: WorkCompletion): this {
    let flags = 0;
    if (wc.value !== undefined) flags |= WC_VALUE;
    if (wc.imm !== undefined) flags |= WC_IMM;
    if (wc.withImm !== undefined) flags |= WC_WITH_IMM[0] | (wc.withImm ? WC_WITH_IMM[1] : 0);
    if (wc.payload !== undefined) flags |= WC_PAYLOAD;
    this.i64(wc.wrId)
      .u32(STATUS_CODE.get(wc.status) ?? 0xffff)
      .u32(OPCODE_CODE.get(wc.opcode) ?? 0xffff)
      .u32(flags);
    return this.i64(wc.value).i64(wc.imm).words(wc.payload);
  }

  private words(payload: readonly number[] | undefined): this {
    this.u32(payload?.length ?? 0);
    for (const w of payload ?? []) this.i64(w);
    return this;
  }

  /** The message, ready to send (a view of the internal buffer: send before the next write). */
  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** Reads one message (type first). */
export class Reader {
  private at = 0;
  readonly type: number;

  constructor(private readonly buf: Buffer) {
    this.type = this.u8();
  }

  u8(): number {
    return this.buf[this.at++] ?? 0;
  }

  u32(): number {
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }

  i64(): number {
    const v = this.buf.readUInt32LE(this.at) + this.buf.readInt32LE(this.at + 4) * TWO_32;
    this.at += 8;
    return v;
  }

  bytes(): Buffer {
    const n = this.u32();
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  /** `forWr` of an env request: present or not. */
  forWr(): number | undefined {
    const has = this.u8();
    const v = this.i64();
    return has ? v : undefined;
  }

  wr(): SendWr {
    const id = this.i64();
    const opcode = opcodeName(this.u32()) as Opcode;
    const flags = this.u32();
    const wr: SendWr = { id, opcode };
    for (const f of WORD_FIELDS) {
      const v = this.i64();
      if (flags & WR[f]) wr[f] = v;
    }
    if (flags & WR_SIGNALED[0]) wr.signaled = (flags & WR_SIGNALED[1]) !== 0;
    if (flags & WR_FENCE[0]) wr.fence = (flags & WR_FENCE[1]) !== 0;
    if (flags & WR_NO_RETRANSMIT[0]) wr.noRetransmit = (flags & WR_NO_RETRANSMIT[1]) !== 0;
    const payload = this.words();
    if (flags & WR_PAYLOAD) wr.payload = payload;
    return wr;
  }

  wc(): WorkCompletion {
    const wrId = this.i64();
    const status = (WC_STATUSES[this.u32()] ?? 'UNKNOWN_STATUS') as WcStatus;
    const opcode = opcodeName(this.u32()) as Opcode | 'RECV';
    const flags = this.u32();
    const value = this.i64();
    const imm = this.i64();
    const payload = this.words();
    const wc: WorkCompletion = { wrId, status, opcode };
    if (flags & WC_VALUE) wc.value = value;
    if (flags & WC_IMM) wc.imm = imm;
    if (flags & WC_WITH_IMM[0]) wc.withImm = (flags & WC_WITH_IMM[1]) !== 0;
    if (flags & WC_PAYLOAD) wc.payload = payload;
    return wc;
  }

  private words(): number[] {
    const n = this.u32();
    const out: number[] = [];
    for (let k = 0; k < n; k++) out.push(this.i64());
    return out;
  }
}

/** An opcode's name, or a name no rule accepts (the contract then reports the misuse). */
function opcodeName(code: number): string {
  return C_OPCODES[code] ?? `opcode ${code}`;
}
