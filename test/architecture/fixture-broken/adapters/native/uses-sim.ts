import { y } from '../sim/y'; // violates: import
/** The native adapter must not stand on the simulator. */
export const fromSim = y;
