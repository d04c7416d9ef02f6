import { y } from '../../adapters/sim/y'; // violates: import
/** Uses the import so it is not elided. */
export const twice = y * 2;
