/** Errors the CLI reports as one line with exit code 2 (usage or input errors). */

/** A usage or input error: printed as one line, exit code 2, no stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit codes: every property holds, violations found, usage or input error. */
export const EXIT = { ok: 0, violations: 1, usage: 2 } as const;
