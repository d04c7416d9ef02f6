/** A simulator module that core must not reach. */
export const y = 1;
/** A type that core must not name. */
export type Y = number;
