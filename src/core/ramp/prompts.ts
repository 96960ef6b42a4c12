// Questions the ramp asks a person at a terminal. Injected so tests never wait on a keyboard;
// the real ones use @inquirer/prompts on stderr (stdout keeps only results), loaded lazily.

export type SoakChoice = 'pause' | 'rollback' | 'continue';

export interface Prompter {
  confirm(message: string, signal?: AbortSignal): Promise<boolean>;
  /** Ctrl-C inside the prompt rejects (inquirer's ExitPromptError); the caller treats that as a stop. */
  choose(message: string, signal?: AbortSignal): Promise<SoakChoice>;
}

/** The soak's live progress line shares stderr: start the question on a clean line. */
function clearLiveLine(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

export const terminalPrompter: Prompter = {
  async confirm(message, signal) {
    clearLiveLine();
    const { confirm } = await import('@inquirer/prompts');
    return confirm({ message, default: false }, { output: process.stderr, signal });
  },
  async choose(message, signal) {
    clearLiveLine();
    process.stderr.write('\n');
    const { select } = await import('@inquirer/prompts');
    return select<SoakChoice>(
      {
        message,
        choices: [
          { name: 'pause here (resume later with --resume)', value: 'pause' },
          { name: 'roll back now', value: 'rollback' },
          { name: 'continue the ramp', value: 'continue' },
        ],
        default: 'pause',
      },
      { output: process.stderr, signal },
    );
  },
};
