import { InterruptedError, UsageError } from '../../errors.js';

/** Asks a yes/no question at the terminal; injected so tests never wait on a keyboard. */
export type Prompt = (message: string, signal?: AbortSignal) => Promise<boolean>;

export interface ConfirmPolicy {
  yes: boolean;
  /** A person is at a terminal and this is not CI. */
  interactive: boolean;
  dryRun: boolean;
}

/**
 * Decided before anything is touched or any ramp is disturbed: in CI or a pipe without --yes a
 * rollback refuses at once rather than waiting for an answer that cannot come.
 */
export function assertCanConfirm(policy: ConfirmPolicy, environment: string): void {
  if (policy.yes || policy.dryRun || policy.interactive) return;
  throw new UsageError('rollback needs --yes when not run at a terminal', {
    hint: `review the change with \`migrate rollback --env ${environment} --dry-run\`, then run \`migrate rollback --env ${environment} --yes\``,
  });
}

/** Only a person at a terminal without --yes is asked. No means nothing was changed (exit 130). */
export async function confirmRollback(policy: ConfirmPolicy, prompt: Prompt, question: string, signal?: AbortSignal): Promise<void> {
  if (policy.yes || policy.dryRun || !policy.interactive) return;
  let answer: boolean;
  try {
    answer = await prompt(question, signal);
  } catch {
    // Ctrl-C inside the prompt (inquirer's ExitPromptError or our abort).
    throw new InterruptedError('rollback cancelled at the prompt; nothing was changed');
  }
  if (!answer) throw new InterruptedError('rollback cancelled; nothing was changed');
}

/** The real prompt: @inquirer/prompts on stderr, so stdout keeps only results. Loaded lazily. */
export const terminalPrompt: Prompt = async (message, signal) => {
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message, default: false }, { output: process.stderr, signal });
};
