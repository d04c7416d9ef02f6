/** The fabric: unmodified libibverbs programs on the simulator's RC transport (docs/fabric.md). */
export { Fabric, FABRIC_ADAPTER } from './fabric';
export type { FabricOptions } from './fabric';
export { fabricLibraryDir, runFabric } from './run';
export type { FabricProgram, FabricRun, ProgramOutcome, RunFabricOptions } from './run';
