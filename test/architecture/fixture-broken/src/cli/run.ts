/** A CLI module that jest must not reach. */
export const run = (): void => undefined;
