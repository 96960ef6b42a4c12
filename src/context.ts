import type { Output } from './core/output/output.js';
import type { Prompter } from './core/prompter.js';
import type { SignalHooks } from './core/signals.js';

/** Flags shared by every command (DESIGN.md). */
export interface GlobalOptions {
  config?: string;
  env?: string;
  /** true for `--json` (stdout); a path for `--json FILE` (validate writes its report there). */
  json?: boolean | string;
  yes?: boolean;
  dryRun?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/** A command as argv asks for it: its name, what its run() is given, and the shared flags for the Context. */
export interface Invocation {
  command: string;
  opts: Record<string, unknown> & { args: string[] };
  global: GlobalOptions;
}

/**
 * Everything a command needs from the outside world, so tests can inject it. main.ts builds it;
 * nothing under src/commands or src/core reads process.env, asks at the terminal, listens for
 * signals or exits the process by itself (the linter holds that line).
 */
export interface Context {
  cwd: string;
  /** The process environment (variables), read only through here. */
  processEnv: NodeJS.ProcessEnv;
  out: Output;
  global: GlobalOptions;
  /** Every question to a person, and the --yes/--dry-run/CI/no-terminal policy (`prompter.interactive`). */
  prompter: Prompter;
  ci: boolean;
  /** Aborted on the first Ctrl-C or SIGTERM. */
  signal: AbortSignal;
  /** The second signal: a command that stops safely by itself holds it (the ramp). */
  signals: SignalHooks;
  version: string;
}

/** What each `src/commands/<name>/index.ts` exports. Returns the exit code (0 or 1). */
export type CommandRun<O> = (ctx: Context, opts: O) => Promise<number | void>;
