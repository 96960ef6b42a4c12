/** Exit codes are part of the contract (README "Exit codes", `migrate --help`). */
export const ExitCode = {
  ok: 0,
  unhealthy: 1,
  usage: 2,
  rollbackIncomplete: 3,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Every error a command expects to raise; main.ts prints `message` (and `hint`) without a stack. */
export class MigrateError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  /** Extra lines printed after the message (e.g. every config error at once). */
  readonly details: string[];
  /** What the command had found or done before failing; part of the --json error document. */
  data?: unknown;

  constructor(message: string, opts: { exitCode: ExitCodeValue; hint?: string; details?: string[]; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.exitCode = opts.exitCode;
    this.hint = opts.hint;
    this.details = opts.details ?? [];
  }
}

/** Bad flags, bad config, a refused prompt in CI: exit 2. */
export class UsageError extends MigrateError {
  constructor(message: string, opts: { hint?: string; details?: string[]; cause?: unknown } = {}) {
    super(message, { ...opts, exitCode: ExitCode.usage });
  }
}

/** The thing checked is unhealthy (check/validate failed, a gate failed and the ramp rolled back): exit 1. */
export class UnhealthyError extends MigrateError {
  constructor(message: string, opts: { hint?: string; details?: string[]; cause?: unknown } = {}) {
    super(message, { ...opts, exitCode: ExitCode.unhealthy });
  }
}

/** A rollback could not complete; a person must act. The hint says what to run: exit 3. */
export class RollbackError extends MigrateError {
  constructor(message: string, opts: { hint?: string; details?: string[]; cause?: unknown } = {}) {
    super(message, { ...opts, exitCode: ExitCode.rollbackIncomplete });
  }
}

/** Ctrl-C or SIGTERM: exit 130. */
export class InterruptedError extends MigrateError {
  constructor(message = 'interrupted', opts: { hint?: string } = {}) {
    super(message, { ...opts, exitCode: ExitCode.interrupted });
  }
}
