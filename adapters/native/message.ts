/**
 * How a SEND's body travels on real verbs, so the receiver can name the sender's WR (the
 * simulator's RecvConsumed.wr) and hand the payload to its layer. Layout of a slot, in 8-byte
 * words: [senderWrId, hasValue, value, payloadLength (-1: none), payload...].
 */
import type { SendWr } from '../../src/core/verbs';

/** Words per buffer slot (a SEND body or a RECV buffer). */
export const SLOT_WORDS = 64;
/** Bytes per buffer slot. */
export const SLOT_BYTES = SLOT_WORDS * 8;
const HEADER_WORDS = 4;
/** The longest SEND payload the native adapter carries. */
export const MAX_PAYLOAD_WORDS = SLOT_WORDS - HEADER_WORDS;

/** Writes the body of SEND `wr` into `slot`; returns its length in bytes. */
export function encodeMessage(words: BigInt64Array, slot: number, wr: SendWr): number {
  const base = slot * SLOT_WORDS;
  const payload = wr.payload ?? [];
  if (payload.length > MAX_PAYLOAD_WORDS) {
    throw new RangeError(
      `native: a SEND payload holds at most ${MAX_PAYLOAD_WORDS} words (WR ${wr.id} has ${payload.length})`,
    );
  }
  words[base] = BigInt(wr.id);
  words[base + 1] = wr.value !== undefined ? 1n : 0n;
  words[base + 2] = BigInt(wr.value ?? 0);
  words[base + 3] = wr.payload ? BigInt(payload.length) : -1n;
  payload.forEach((v, k) => (words[base + HEADER_WORDS + k] = BigInt(v)));
  return (HEADER_WORDS + payload.length) * 8;
}

/** Reads a received body (byteLen bytes) from `slot`. */
export function decodeMessage(
  words: BigInt64Array,
  slot: number,
  byteLen: number,
): { wrId: number; value?: number; payload?: number[] } {
  const base = slot * SLOT_WORDS;
  if (byteLen < HEADER_WORDS * 8) return { wrId: -1 }; // not one of ours: a foreign sender
  const wrId = Number(words[base]);
  const value = words[base + 1] === 1n ? Number(words[base + 2]) : undefined;
  const n = Number(words[base + 3]);
  const payload =
    n >= 0 ? Array.from(words.subarray(base + HEADER_WORDS, base + HEADER_WORDS + n), (v) => Number(v)) : undefined;
  return { wrId, ...(value !== undefined ? { value } : {}), ...(payload ? { payload } : {}) };
}
