import { InterruptedError, MigrateError, RollbackError } from '../../errors.js';
import type { AppView } from '../appview/check.js';
import { failureText } from '../appview/render.js';
import { composeUp } from '../compose/commands.js';
import type { ComposeProject } from '../compose/project.js';
import { formatArgv } from '../exec/format.js';
import type { Redactor } from '../redact.js';
import type { Connectivity } from './verify.js';

/** How far a rollback got after restoring the files, for the message of one that stopped there. */
export interface Progress {
  /** The environment has services to recreate (no --no-restart). */
  compose: boolean;
  recreated: boolean;
  /** Not recreated because the containers already held the restored files (report.compose.alreadyHeld). */
  held: boolean;
}

/** Ctrl-C after the files were restored: say what was done and exactly how to finish. */
function interruptedAfterRestore(progress: Progress, again: string): InterruptedError {
  const done = progress.recreated
    ? 'restored and the services recreated'
    : progress.held
      ? 'restored (the containers already held them: nothing to recreate)'
      : progress.compose
        ? 'restored; services were not recreated'
        : 'restored';
  return new InterruptedError(`interrupted after the env files were ${done}; the rollback is not verified`, {
    hint: `run \`${again}\` to finish`,
  });
}

/**
 * Whatever stops a rollback once the files are restored ends as exit 3 with the command that
 * finishes it, or as 130 (with the same command) when it was interrupted: never as a bare exit
 * 1 or 2, since something was changed and a person must act.
 */
export function afterRestore(err: unknown, progress: Progress, aborted: boolean, again: string): MigrateError {
  if (aborted || (err instanceof MigrateError && err.exitCode === 130)) return interruptedAfterRestore(progress, again);
  if (err instanceof RollbackError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new RollbackError(`env files are restored but the rollback did not complete: ${why}`, {
    details: err instanceof MigrateError ? err.details : [],
    hint: `${err instanceof MigrateError && err.hint ? `${err.hint}; then ` : 'fix that, then '}run \`${again}\` to finish`,
    cause: err,
  });
}

export function verifyFailed(environment: string, v: Connectivity, again: string): RollbackError {
  const details = [`models: ${v.models.status}${v.models.message ? ` (${v.models.message})` : ''}`, `chat: ${v.chat.status}${v.chat.message ? ` (${v.chat.message})` : ''}`];
  return new RollbackError(`rolled back, but ${v.provider} (${v.baseUrl}) does not answer as it should`, {
    details,
    hint: `diagnose with \`migrate check --env ${environment} --provider ${v.provider}\`; once it answers, run \`${again}\` to verify`,
  });
}

/** Files restored, but a container holds something else (or its pair does not answer): recreate those services, then verify again. */
export function containersWrong(view: AppView, project: ComposeProject, again: string): RollbackError {
  const services = [...new Set([...view.containers.filter((c) => !c.ok).map((c) => c.service), ...view.missing])];
  return new RollbackError(`env files are restored, but ${failureText(view)}`, {
    hint: `recreate ${services.join(', ')} with \`${formatArgv(composeUp(project, services).argv)}\` (or fix the provider it points at), then run \`${again}\` to verify`,
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
