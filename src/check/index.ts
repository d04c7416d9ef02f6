/** The checker: checkLayer, the scenario arbitraries and shrinker, and the theorem witnesses. */
export { checkLayer, checkColumns, opClassArbitrary, opClassGenerator } from './checkLayer';
export { verifyLayer, verifySummary, VERIFY_DEFAULTS } from './verify/verifyLayer';
export type { VerifyOptions, VerifyResult } from './verify/verifyLayer';
export { spaceSize } from './verify/space';
export type { SpaceBounds } from './verify/space';
export { COVERAGE_CLASSES, COVERAGE_CLASS_NAMES, coverageOf } from './coverage/classes';
export type { CoverageClass } from './coverage/classes';
export type { CheckOptions } from './options';
export { CHECK_DEFAULTS, DEFAULT_SEED, resolveCheckOptions } from './options';
export { resolveGeneratorLimits, scenarioArbitrary } from './arbitraries';
export { DRAWN_FAULT_KINDS } from './given';
export { counterexampleArbitrary, generatorOf, regenerateScenario } from './regenerate';
export type { SeedAndPath } from './regenerate';
export type { ScenarioArbitraryOptions } from './arbitraries';
export { shrinkScenario } from './shrink';
export { counterexampleOfRun, describeLimit, minimizeScenario, MINIMIZE_DEFAULTS, scenarioSize } from './minimize';
export type {
  DescentProgress,
  DoesNotFail,
  JudgedProperty,
  JudgedRun,
  MinimizeOptions,
  MinimizeResult,
  NotReproduced,
  Shrunk,
} from './minimize';
export { buildCounterexample } from './counterexample';
export {
  CAS_ABA,
  FADD_DOUBLE_COUNT,
  QUEUE_SLIDING,
  THEOREM1_T1,
  THEOREM1_T2,
  casDoubleSuccess,
  faddDoubleCount,
  queueSliding,
  theorem1TwinPair,
  theorem3Aba,
  theoremWitnesses,
} from './theorems';
export type { Broken, TheoremRun, TheoremWitness, WitnessOptions } from './theorems';
export { parseShard, shardFromEnv, shardSeed, SHARD_ENV } from './shard';
export type { Shard } from './shard';
