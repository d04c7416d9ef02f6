/**
 * Scenarios of the differential corpus where the simulator (nic 'rxe') and kernel Soft-RoCE are
 * known to disagree, each with its reason. docs/simulator.md ("Differential stage") lists the same
 * entries; test/native-vm/differential.test.ts fails on a disagreement missing here and on an
 * entry that agrees again.
 */
export const KNOWN_DIFFERENCES: Record<string, string> = {};
