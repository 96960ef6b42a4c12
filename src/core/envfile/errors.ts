import { ExitCode, type ExitCodeValue, MigrateError } from '../../errors.js';

/**
 * An env file cannot be read, edited or written as asked. Exit 2 by default; a caller in the
 * middle of a rollback passes its own exit code (3) or rethrows.
 */
export class EnvFileError extends MigrateError {
  constructor(message: string, opts: { hint?: string; cause?: unknown; exitCode?: ExitCodeValue } = {}) {
    super(message, { hint: opts.hint, cause: opts.cause, exitCode: opts.exitCode ?? ExitCode.usage });
  }
}
