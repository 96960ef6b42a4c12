/**
 * A side effect as data. Builders return these; only the runner (run.ts) executes them, so
 * `--dry-run` can print every write it skips and tests can compare exact argv arrays.
 */
export interface Command {
  /** Program and arguments, passed to the OS as they are: never through a shell. */
  argv: string[];
  cwd?: string;
  /** Added to the runner's processEnv (not replacing it). */
  env?: Record<string, string>;
  /** `read` commands still run under --dry-run; `write` commands are skipped and reported. */
  kind: 'read' | 'write';
  /** What this does, in the domain's words ("recreate canary's services"). */
  description?: string;
  timeoutMs?: number;
}

export interface RunResult {
  /** -1 when the command did not finish (timed out); 0 when --dry-run skipped it, so flows go on. */
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** True when --dry-run skipped a write. */
  skipped: boolean;
  timedOut: boolean;
}

/** Executes commands; injected so callers can bind dry-run and the abort signal once. */
export type Runner = (cmd: Command) => Promise<RunResult>;
