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
