/** The checker: checkLayer, the scenario arbitraries and shrinker, and the theorem witnesses. */
export { checkLayer, opClassArbitrary } from './checkLayer';
export type { CheckOptions } from './options';
export { DEFAULT_SEED, resolveCheckOptions } from './options';
export { scenarioArbitrary } from './arbitraries';
export type { ScenarioArbitraryOptions } from './arbitraries';
export { shrinkScenario } from './shrink';
export { buildCounterexample } from './counterexample';
export {
  CAS_ABA, FADD_DOUBLE_COUNT, QUEUE_SLIDING, THEOREM1_T1, THEOREM1_T2,
  casDoubleSuccess, faddDoubleCount, queueSliding, theorem1TwinPair, theorem3Aba, theoremWitnesses,
} from './theorems';
export type { Broken, TheoremRun, TheoremWitness, WitnessOptions } from './theorems';
