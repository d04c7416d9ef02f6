/** Loads the simulator at run time. */
export function load(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- this fixture must contain the require form it tests
  return require('../../adapters/sim/y'); // violates: require
}

/** Where the simulator lives. */
export const where = require.resolve('../../adapters/sim/y'); // violates: require.resolve
