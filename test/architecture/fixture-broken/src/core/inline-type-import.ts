/** A value typed with the simulator's type. */
export let value: import('../../adapters/sim/y').Y | undefined; // violates: inline type import
