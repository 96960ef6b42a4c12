import { MigrateError, UsageError } from '../../errors.js';
import type { Command } from './command.js';
import { formatArgv } from './format.js';

// What to install, per program, so a missing binary says how to fix it.
const INSTALL_HINTS: Record<string, string> = {
  'docker-compose': 'install Docker Compose v2 (docker compose) or v1 (docker-compose)',
  docker: 'install Docker (docker.io or Docker Engine) and make sure `docker` is on PATH',
  nginx: 'install nginx or set traffic.binary in migrate.yaml to its path',
};

/** The program in argv[0] is not on PATH (or not executable): exit 2, the machine needs setting up. */
export class CommandNotFoundError extends UsageError {
  readonly program: string;

  constructor(program: string, opts: { message?: string; hint?: string } = {}) {
    const fix = INSTALL_HINTS[program] ?? `install it or put it on PATH`;
    super(opts.message ?? `${program} not found: ${fix}`, { hint: opts.hint });
    this.program = program;
  }
}

/**
 * A command exited non-zero where the caller needed it to succeed. Exit 1 by default;
 * rollback rewraps it as a RollbackError with the command to run next.
 */
export class CommandFailedError extends MigrateError {
  readonly command: Command;
  readonly result: { exitCode: number; stderr: string; timedOut: boolean };

  constructor(command: Command, result: { exitCode: number; stderr: string; timedOut: boolean }) {
    const why = result.timedOut ? `timed out after ${command.timeoutMs} ms` : `exited with code ${result.exitCode}`;
    const last = lastLine(result.stderr);
    super(`\`${formatArgv(command.argv)}\` ${why}${last ? `: ${last}` : ''}`, { exitCode: 1 });
    this.command = command;
    this.result = result;
  }
}

/** The last line of a command's output, trailing blank lines ignored: usually the one that says what went wrong. */
export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim();
}
