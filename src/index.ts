/** rdmacheck's public entry point. */
export * from './verbs';
export * from './scenario';
export * from './trace';
export * from './layer';
export * from './execution';
export * from './property';
export * from './report';
export { runScenario, runScenarioSync } from './run';
export { sim, ScenarioError } from '../adapters/sim';
export type { SimOptions } from '../adapters/sim';
export { layers, referenceLayerNames, describeLayer, createShift, createTimerHedge, createCompletionLog } from './layers';
export type { ReferenceLayer, ReferenceLayerName, ExpectedAudit, ExpectedViolation, PropertyName, ShiftOptions, TimerHedgeOptions, CompletionLogOptions } from './layers';
export { checkLayer } from './check';
export type { CheckOptions } from './check';
export { properties } from '../properties';
export { replay, findReferenceLayer, firstDivergence } from './replay';
export type { ReplayOptions, ReplayResult, Divergence } from './replay';
export {
  loadTrace, parseTrace, TraceFileError, counterexampleToYAML, makeCounterexample,
  renderText, renderMermaid, renderHtml, renderMatrixText, replayCommand,
} from './report/index';
export type { CounterexampleData, LoadedTrace } from './report/index';
export { scenarioArbitrary, theoremWitnesses, theorem1TwinPair, faddDoubleCount, queueSliding, casDoubleSuccess, theorem3Aba } from './check';
export type { TheoremWitness } from './check';
export { native, runAgent } from '../adapters/native';
export type { NativeOptions, AgentOptions, AgentHandle, Availability, NativePathOptions } from '../adapters/native';
