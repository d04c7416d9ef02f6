/**
 * 24-bit PSN arithmetic (IBTA BTH:PSN). PSNs count modulo 2^24 and wrap; two PSNs compare by
 * their signed 24-bit distance, as rxe's psn_compare does (rxe_verbs.h: (a - b) << 8 as s32), so
 * a PSN up to 2^23 - 1 ahead is "after" and one up to 2^23 behind is "before".
 */
import { PSN_MODULUS } from '../../src/core/verbs';

/** The PSN after `psn` (2^24 - 1 is followed by 0). */
export function nextPsn(psn: number): number {
  return (psn + 1) % PSN_MODULUS;
}

/** `a - b` as a signed 24-bit distance in [-2^23, 2^23): positive when `a` comes after `b`. */
export function psnDiff(a: number, b: number): number {
  // Shifting into the top 24 bits of an int32 and back sign-extends the 24-bit difference.
  return ((a - b) << 8) >> 8;
}
