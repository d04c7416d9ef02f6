/** Loads the simulator lazily. */
export async function load(): Promise<number> {
  const sim = await import('../../adapters/sim/y'); // violates: dynamic import
  return sim.y;
}
