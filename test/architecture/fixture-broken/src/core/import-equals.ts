import sim = require('../../adapters/sim/y'); // violates: import = require
/** The simulator's value. */
export const value = sim.y;
