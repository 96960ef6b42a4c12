// The question the ramp asks a person at the first Ctrl-C of a soak, through the Context's Prompter.
import type { Prompter } from '../prompter.js';

export type SoakChoice = 'pause' | 'rollback' | 'continue';

/** Ctrl-C inside the prompt rejects (inquirer's ExitPromptError); the caller treats that as a stop. */
export function askSoakChoice(prompter: Pick<Prompter, 'select'>, message: string, signal?: AbortSignal): Promise<SoakChoice> {
  return prompter.select<SoakChoice>(
    message,
    [
      { name: 'pause here (resume later with --resume)', value: 'pause' },
      { name: 'roll back now', value: 'rollback' },
      { name: 'continue the ramp', value: 'continue' },
    ],
    signal,
  );
}
