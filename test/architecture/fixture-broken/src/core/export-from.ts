export { y } from '../../adapters/sim/y'; // violates: export from
export * from '../../adapters/sim/y'; // violates: export from
