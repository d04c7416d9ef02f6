/** The trace-file format versions: the one this build writes and the ones it reads. */

/** The version of the trace-file format this build writes. */
export const TRACE_FORMAT_VERSION = 1;

/** Trace-file format versions `loadTrace` understands. */
export const SUPPORTED_TRACE_VERSIONS: readonly number[] = [1];
