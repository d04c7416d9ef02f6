/** How many fuzzed inputs the reliability tests try (shared with scripts/reliability-figures.ts). */
export const FUZZ_RUNS = {
  /** Mutated trace files fed to the loader. */
  loader: 300,
  /** Fuzzed argv of quick commands. */
  argvQuick: 150,
  /** Fuzzed argv of long-running commands, stopped by --help or a bad option. */
  argvSlow: 60,
} as const;
