/** rdmacheck's public entry point. */
export * from './core/verbs';
export * from './core/scenario';
export * from './core/trace';
export * from './core/layer';
export * from './core/execution';
export * from './core/property';
export * from './core/results';
export { runScenario, runScenarioSync } from './check/run';
export { sim, ScenarioError } from '../adapters/sim';
export type { SimOptions } from '../adapters/sim';
export {
  layers,
  referenceLayerNames,
  describeLayer,
  createShift,
  createTimerHedge,
  createCompletionLog,
} from './layers';
export type {
  ReferenceLayer,
  ReferenceLayerName,
  ExpectedAudit,
  ExpectedViolation,
  PropertyName,
  ShiftOptions,
  TimerHedgeOptions,
  CompletionLogOptions,
} from './layers';
export { checkLayer, verifyLayer, spaceSize, COVERAGE_CLASSES, COVERAGE_CLASS_NAMES } from './check';
export { minimizeScenario, MINIMIZE_DEFAULTS } from './check';
export type {
  MinimizeOptions,
  MinimizeResult,
  Shrunk,
  DoesNotFail,
  NotReproduced,
  JudgedRun,
  JudgedProperty,
  DescentProgress,
} from './check';
export type { CheckOptions, Shard, VerifyOptions, VerifyResult, CoverageClass } from './check';
export { SHARD_ENV } from './check';
export { properties } from '../properties';
export { replay, findReferenceLayer, firstDivergence } from './check/replay';
export type { ReplayOptions, ReplayResult, Divergence } from './check/replay';
export {
  loadTrace,
  parseTrace,
  TraceFileError,
  counterexampleToYAML,
  makeCounterexample,
  rewrapReport,
  renderText,
  renderMermaid,
  renderHtml,
  renderMatrixText,
  unsupportedFaultsLine,
  replayCommand,
  loadScenario,
  parseScenario,
} from './report/index';
export type { LoadedTrace, LoadedScenario } from './report/index';
export { CHECK_DEFAULTS, DRAWN_FAULT_KINDS, regenerateScenario, counterexampleArbitrary } from './check';
export {
  scenarioArbitrary,
  theoremWitnesses,
  theorem1TwinPair,
  faddDoubleCount,
  queueSliding,
  casDoubleSuccess,
  theorem3Aba,
} from './check';
export type { TheoremWitness } from './check';
export { native, runAgent } from '../adapters/native';
export type { NativeOptions, AgentOptions, AgentHandle, Availability, NativePathOptions } from '../adapters/native';
export {
  loadNativeLayer,
  describeNativeLayer,
  NativeLayerError,
  LayerCrash,
  LAYER_ABI_VERSION,
} from '../adapters/clayer';
export type { NativeLayer, NativeLayerOptions, NativeDescriptor, ControlBytes } from '../adapters/clayer';
