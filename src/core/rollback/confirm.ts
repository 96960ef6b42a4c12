import { InterruptedError } from '../../errors.js';
import type { Prompter } from '../prompter.js';

/**
 * Decided before anything is touched or any ramp is disturbed: in CI or a pipe without --yes a
 * rollback refuses at once rather than waiting for an answer that cannot come.
 */
export function assertCanConfirmRollback(prompter: Pick<Prompter, 'assertCanConfirm'>, environment: string): void {
  prompter.assertCanConfirm({
    what: 'rollback',
    why: 'it asks for confirmation before restoring the env files',
    hint: `review the change with \`migrate rollback --env ${environment} --dry-run\`, then run \`migrate rollback --env ${environment} --yes\``,
  });
}

/** A person at a terminal without --yes is asked. No means nothing was changed (exit 130). */
export async function confirmRollback(prompter: Pick<Prompter, 'confirm'>, question: string, signal?: AbortSignal): Promise<void> {
  let answer: boolean;
  try {
    answer = await prompter.confirm(question, signal);
  } catch {
    // Ctrl-C inside the prompt (inquirer's ExitPromptError or our abort).
    throw new InterruptedError('rollback cancelled at the prompt; nothing was changed');
  }
  if (!answer) throw new InterruptedError('rollback cancelled; nothing was changed');
}
