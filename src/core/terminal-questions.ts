// The real questions: @inquirer/prompts on stderr, so stdout keeps only results. Loaded lazily:
// most runs never ask, and inquirer costs start-up time.
import type { Choice, Questions } from './prompter.js';

/** The ramp's live progress line shares stderr: every question starts on a clean line. */
function clearLiveLine(stderr: NodeJS.WriteStream): void {
  if (stderr.isTTY) stderr.write('\r\x1b[2K');
}

export function terminalQuestions(stderr: NodeJS.WriteStream): Questions {
  return {
    async confirm(message, signal) {
      clearLiveLine(stderr);
      const { confirm } = await import('@inquirer/prompts');
      return confirm({ message, default: false }, { output: stderr, signal });
    },
    async select<T>(message: string, choices: Choice<T>[], signal?: AbortSignal) {
      clearLiveLine(stderr);
      const { select } = await import('@inquirer/prompts');
      return select<T>({ message, choices }, { output: stderr, signal });
    },
    async checkbox<T>(message: string, choices: Choice<T>[], signal?: AbortSignal) {
      clearLiveLine(stderr);
      const { checkbox } = await import('@inquirer/prompts');
      return checkbox<T>({ message, choices }, { output: stderr, signal });
    },
  };
}
