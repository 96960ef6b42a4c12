// The one seam for asking a person (as gh's Prompter on its Factory): every command that asks goes
// through the Prompter on its Context, so the rule "--yes and --dry-run never ask; nobody at a
// terminal means exit 2 naming --yes" lives here once, and tests inject scripted answers.
import { UsageError } from '../errors.js';

export interface Choice<T> {
  name: string;
  value: T;
  checked?: boolean;
}

/** The raw questions. Ctrl-C inside one rejects (inquirer's ExitPromptError, or the signal's abort). */
export interface Questions {
  confirm(message: string, signal?: AbortSignal): Promise<boolean>;
  select<T>(message: string, choices: Choice<T>[], signal?: AbortSignal): Promise<T>;
  checkbox<T>(message: string, choices: Choice<T>[], signal?: AbortSignal): Promise<T[]>;
}

export interface PromptPolicy {
  /** --yes: every confirmation is answered yes without asking. */
  yes: boolean;
  /** --dry-run: nothing is changed, so nothing needs confirming. */
  dryRun: boolean;
  /** Why nobody can answer (CI, a pipe), or undefined when a person is at a terminal. */
  nobody?: string;
}

/** What a refusal says: who needs --yes, what it would ask, how to review the change first. */
export interface Refusal {
  /** "rollback", "the ramp of production", "gateway setup" */
  what: string;
  /** "it asks before restoring the env files" */
  why: string;
  /** e.g. "review it with `migrate rollback --env canary --dry-run`, then add --yes" */
  hint: string;
}

export class Prompter {
  constructor(
    private readonly questions: Questions,
    readonly policy: PromptPolicy,
  ) {}

  /** A person is at a terminal and this is not CI: questions (and the soak's Ctrl-C menu) are allowed. */
  get interactive(): boolean {
    return this.policy.nobody === undefined;
  }

  /**
   * Called before anything is touched: where a confirmation would be needed and nobody can answer
   * it, refuse at once (exit 2) rather than wait for an answer that cannot come. The message reads
   * "<what> needs --yes: <why>, and <CI is set | stdin is not a terminal>, so nobody can answer".
   */
  assertCanConfirm(refusal: Refusal): void {
    const { yes, dryRun, nobody } = this.policy;
    if (yes || dryRun || nobody === undefined) return;
    throw new UsageError(`${refusal.what} needs --yes: ${refusal.why}, and ${nobody}, so nobody can answer`, { hint: refusal.hint });
  }

  /** true without asking under --yes or --dry-run; otherwise asks. Rejects on Ctrl-C inside the prompt. */
  async confirm(question: string, signal?: AbortSignal): Promise<boolean> {
    if (this.policy.yes || this.policy.dryRun) return true;
    this.assertCanConfirm({ what: 'this step', why: `it asks "${question}"`, hint: 'pass --yes' });
    return this.questions.confirm(question, signal);
  }

  /** Only for a person at a terminal (check `interactive` first): the caller chooses a default otherwise. */
  select<T>(message: string, choices: Choice<T>[], signal?: AbortSignal): Promise<T> {
    return this.questions.select(message, choices, signal);
  }

  checkbox<T>(message: string, choices: Choice<T>[], signal?: AbortSignal): Promise<T[]> {
    return this.questions.checkbox(message, choices, signal);
  }
}

/** Why nobody can answer, from what main.ts sees of the process; undefined when a person can. */
export function nobodyToAsk(o: { ci: boolean; stdinTTY: boolean; stdoutTTY: boolean }): string | undefined {
  if (o.ci) return 'CI is set';
  if (!o.stdinTTY) return 'stdin is not a terminal';
  if (!o.stdoutTTY) return 'stdout is not a terminal';
  return undefined;
}

const nobodyThere = (): Promise<never> => Promise.reject(new Error('nobody is there to answer'));

/** For what no person oversees (the ramp's own rollback after a failed gate): --yes, and never a question. */
export const unattended = new Prompter({ confirm: nobodyThere, select: nobodyThere, checkbox: nobodyThere }, { yes: true, dryRun: false, nobody: 'it runs unattended' });
