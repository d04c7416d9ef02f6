/**
 * What the generator's draws share (arbitraries.ts, fieldDraws.ts, targeted.ts, straggler.ts,
 * staleResponse.ts): a rarely firing draw, the op classes that are messages, and how many words
 * the workload addresses.
 */
import fc from 'fast-check';

/** Addresses the workload uses: few, so that operations collide. */
export const WORKLOAD_WORDS = 3;

/** The op classes that consume a RECV at the responder. */
export const MESSAGE_OPCODES: readonly ('SEND' | 'WRITE_WITH_IMM')[] = ['SEND', 'WRITE_WITH_IMM'];

/**
 * `arbitrary` in one draw of `odds`, else undefined. Undefined is still a draw, so that the keys
 * drawn after it stay in step whether it fires or not.
 */
export function rarely<T>(odds: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: odds - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}
