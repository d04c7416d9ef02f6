/**
 * What generated scenarios take as given instead of drawing it: a stack's own settings
 * (CheckOptions.config, FailoverLayer.config), and the fault kinds the generator leaves out.
 */
import type { FaultKind, Scenario, ScenarioSettings } from '../core/scenario';
import { FAULT_KINDS } from '../core/scenario';

/**
 * Fault kinds the generator does not draw yet: drawing a new kind changes every generated audit,
 * so a kind joins the draw with the coverage work that re-measures them. None today.
 */
export const NOT_DRAWN_FAULT_KINDS: readonly FaultKind[] = [];

/** The fault kinds the generator draws: FAULT_KINDS but the ones not drawn yet. */
export const DRAWN_FAULT_KINDS: readonly FaultKind[] = FAULT_KINDS.filter((k) => !NOT_DRAWN_FAULT_KINDS.includes(k));

/**
 * Fault kinds drawn only by the field draws (fieldDraws.ts, appended to the draft), never by the
 * per-fault draw: a kind added to that draw (and to swarm's subsets) would change every scenario.
 */
export const FIELD_ONLY_FAULT_KINDS: readonly FaultKind[] = ['pause'];

/** The settings as a generator records them: only when there are some, so other audits read as before. */
export function recordedSettings(config: ScenarioSettings | undefined): { config?: ScenarioSettings } {
  return config !== undefined && Object.keys(config).length > 0 ? { config: { ...config } } : {};
}

/** `s` with the given settings over its drawn ones (drawn anyway, so the rest of a draft is unchanged). */
export function withSettings(s: Scenario, given: ScenarioSettings | undefined): Scenario {
  return given === undefined ? s : { ...s, config: { ...s.config, ...given } };
}

/** The keys of the given settings: shrinking keeps them (DomainShrunkScenarios). */
export function pinnedKeys(given: ScenarioSettings | undefined): (keyof ScenarioSettings)[] {
  return Object.keys(given ?? {}) as (keyof ScenarioSettings)[];
}
