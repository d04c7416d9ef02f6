import type { Y } from '../../adapters/sim/y'; // violates: import type
/** A type from the simulator. */
export type Twice = Y;
