/**
 * How a run stopped by a containment limit (a module-path layer's worker ran out of heap or made
 * no progress; src/check/contained) is marked: its one LayerFault's reason starts with this, so
 * properties can tell that stop from the work budget's.
 */

/** The text every stopped run's LayerFault starts with (fresh-worker replays skip such runs). */
export const STOPPED_PREFIX = 'was stopped by rdmacheck: it ';
