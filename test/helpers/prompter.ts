// A person at a terminal who gives scripted answers, for the Context's Prompter (src/core/prompter.ts).
// As gh's prompter stub: a question with no answer left fails the test, and an answer never asked
// for fails it too (`unasked()` after the run).
import { type PromptPolicy, Prompter, type Questions } from '../../src/core/prompter.js';

export interface Script {
  prompter: Prompter;
  /** The questions asked, in order. */
  asked: string[];
  /** Answers nobody asked for: expect it to be empty. */
  unasked(): unknown[];
}

/** `answers` in order: a boolean for confirm, a value (or values, for a checkbox) for a choice. */
export function scriptedPrompter(answers: unknown[], policy: Partial<PromptPolicy> = {}): Script {
  const left = [...answers];
  const asked: string[] = [];
  const next = <T>(message: string): Promise<T> => {
    asked.push(message);
    if (left.length === 0) return Promise.reject(new Error(`unexpected question: ${message}`));
    return Promise.resolve(left.shift() as T);
  };
  const questions: Questions = { confirm: next, select: next, checkbox: next };
  return { prompter: new Prompter(questions, { yes: false, dryRun: false, ...policy }), asked, unasked: () => left };
}

/** Nobody at a terminal (a pipe, CI): what in-process runs get unless a test scripts a person. */
export function noTerminal(policy: Partial<PromptPolicy> = {}): Prompter {
  return scriptedPrompter([], { nobody: 'stdin is not a terminal', ...policy }).prompter;
}
