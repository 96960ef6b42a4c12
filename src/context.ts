import type { Output } from './core/output/output.js';

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

/** Everything a command needs from the outside world, so tests can inject it. */
export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Output;
  global: GlobalOptions;
  /** A person is at a terminal (stdin and stdout are TTYs) and this is not CI: prompts allowed. */
  interactive: boolean;
  ci: boolean;
  /** Aborted on the first Ctrl-C or SIGTERM. */
  signal: AbortSignal;
  version: string;
}

/** What each `src/commands/<name>/index.ts` exports. Returns the exit code (0 or 1). */
export type CommandRun<O> = (ctx: Context, opts: O) => Promise<number | void>;
