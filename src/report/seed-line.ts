/**
 * "seed S, path P" for terminals and renderings. A fast-check path grows one entry per shrink
 * step; past a few dozen characters it helps no reader (the YAML file keeps it whole).
 */
export function seedLine(seed: number, path: string): string {
  // An empty path: a scenario the user brought (rdmacheck run / shrink), never generated.
  if (path === '') return 'a given scenario, not generated (no seed or path: the scenario is the reproduction)';
  if (path.length <= 48) return `seed ${seed}, path "${path}"`;
  const steps = path.split(':').length;
  return `seed ${seed}, path "${path.slice(0, 24)}…" (${steps} shrink steps; whole in the counterexample file)`;
}
