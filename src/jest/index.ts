/**
 * rdmacheck/jest: `describeFailoverLayer(layer, options)` and the matchers toSatisfy/toViolate.
 * Importing this module registers the matchers with jest's global `expect`.
 */
import { rdmacheckMatchers } from './matchers';

export { describeFailoverLayer, bare, PROPERTY_NAMES } from './describe';
export type { AcceptedViolation, DescribeFailoverLayerOptions, PropertyName } from './describe';
export { rdmacheckMatchers } from './matchers';
export type { MatcherOptions } from './matchers';

// Registered on import, so `await expect(layer).toSatisfy(...)` works with no setup file.
const globalExpect = (globalThis as { expect?: { extend?: (m: Record<string, unknown>) => void } }).expect;
if (globalExpect !== undefined && typeof globalExpect.extend === 'function') globalExpect.extend(rdmacheckMatchers);
