/** Where the receiver's completion records live in its layer memory (common.h:176-190). */
import { RECORD_SIZES_WORDS, RECORD_WORDS, MAX_REQUESTS } from './source';

/** The slot of request `id` (common.h:304: NET_IB_MAX_REQUESTS = 256). */
export function slotOf(id: number): number {
  return ((id % MAX_REQUESTS) + MAX_REQUESTS) % MAX_REQUESTS;
}

/** Address of sizes[0] of `slot`'s record, in a memory whose layer words start at `base`. */
export function sizesAddr(base: number, slot: number): number {
  return base + slot * RECORD_WORDS;
}

/**
 * Address of the completions[] word of `slot`'s record: completions[0..7] are one 8-byte word, the
 * flag of physical QP i its bit i (the model's packing; NCCL_OMISSIONS).
 */
export function completionsAddr(base: number, slot: number): number {
  return base + slot * RECORD_WORDS + RECORD_SIZES_WORDS;
}

/** The model's attribution tag's imm when the application's WR has none (see NCCL_OMISSIONS). */
export const NO_IMM = -1;
