import { InterruptedError, MigrateError, RollbackError } from '../../errors.js';
import type { Redactor } from '../redact.js';
import type { Connectivity } from './verify.js';

/** Ctrl-C after the files were restored: say exactly how to finish. */
export function interruptedAfterRestore(again: string): InterruptedError {
  return new InterruptedError('interrupted after the env files were restored; services were not recreated', {
    hint: `run \`${again}\` to finish`,
  });
}

export function verifyFailed(environment: string, v: Connectivity, again: string): RollbackError {
  const details = [`models: ${v.models.status}${v.models.message ? ` (${v.models.message})` : ''}`, `chat: ${v.chat.status}${v.chat.message ? ` (${v.chat.message})` : ''}`];
  return new RollbackError(`rolled back, but ${v.provider} (${v.baseUrl}) does not answer as it should`, {
    details,
    hint: `diagnose with \`migrate check --env ${environment} --provider ${v.provider}\`; once it answers, run \`${again}\` to verify`,
  });
}

/**
 * Errors are printed by main.ts as they are: pass every text through the redactor first, so a
 * key that reached a message (a compose stderr line, a driver error) is never shown.
 */
export function redactError(err: unknown, redactor: Redactor): unknown {
  if (!(err instanceof MigrateError)) return err;
  const message = redactor.text(err.message);
  const hint = err.hint === undefined ? undefined : redactor.text(err.hint);
  const details = err.details.map((d) => redactor.text(d));
  if (message === err.message && hint === err.hint && details.every((d, i) => d === err.details[i])) return err;
  return new MigrateError(message, { exitCode: err.exitCode, hint, details, cause: err });
}
