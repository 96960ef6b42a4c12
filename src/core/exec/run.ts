import { existsSync } from 'node:fs';
import { InterruptedError, UsageError } from '../../errors.js';
import type { Command, RunResult, Runner } from './command.js';
import { CommandNotFoundError } from './errors.js';
import { formatArgv } from './format.js';
import { sinceStart } from '../clock.js';

export interface RunOptions {
  /**
   * The whole environment every command runs in (the Context's processEnv; Command.env adds to
   * it). Required, and this process's own environment is never added: what docker, compose,
   * nginx and a command driver see is what the caller was given, in tests as in the CLI.
   */
  processEnv: NodeJS.ProcessEnv;
  /** Skip `write` commands (reporting them through onDryRun); `read` commands still run. */
  dryRun?: boolean;
  /**
   * Kills the command and throws InterruptedError. Leave it out for a step that must not be
   * cut in half once started (recreating containers during a rollback).
   */
  signal?: AbortSignal;
  /** Told `would run: <command line>` for each skipped write. */
  onDryRun?: (message: string, cmd: Command) => void;
  /** Told about each command as it starts (for --verbose). */
  onRun?: (cmd: Command) => void;
}

/** The one place that executes side effects. A non-zero exit is a result, not an exception. */
export async function runCommand(cmd: Command, opts: RunOptions): Promise<RunResult> {
  if (opts.dryRun && cmd.kind === 'write') {
    opts.onDryRun?.(`would run: ${formatArgv(cmd.argv)}`, cmd);
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 0, skipped: true, timedOut: false };
  }
  if (opts.signal?.aborted) throw new InterruptedError();
  opts.onRun?.(cmd);
  const [file, ...args] = cmd.argv;
  if (!file) throw new Error('runCommand: empty argv');
  const started = sinceStart();
  // Detached: the command leads its own process group, so a timeout or Ctrl-C can kill it and
  // every child it spawned; otherwise `sh -c` children keep stdout open and we would wait for them.
  // Loaded on first use: execa costs ~130 ms of start-up that commands running nothing should not pay.
  const { execa } = await import('execa');
  const subprocess = execa(file, args, {
    cwd: cmd.cwd,
    env: { ...opts.processEnv, ...cmd.env },
    extendEnv: false,
    stdin: 'ignore',
    detached: true,
    reject: false,
  });
  let timedOut = false;
  let canceled = false;
  const killGroup = () => killProcessGroup(subprocess.pid);
  const timer = cmd.timeoutMs ? setTimeout(() => ((timedOut = true), killGroup()), cmd.timeoutMs) : undefined;
  const onAbort = () => ((canceled = true), killGroup());
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const result = await subprocess.finally(() => {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  });
  const durationMs = Math.round(sinceStart() - started);
  if (canceled) throw new InterruptedError(`interrupted while running ${formatArgv(cmd.argv)}`);
  if (result.code === 'ENOENT' || result.code === 'EACCES') throw spawnError(cmd, file, result.code);
  return {
    exitCode: timedOut ? -1 : (result.exitCode ?? -1),
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    durationMs,
    skipped: false,
    timedOut,
  };
}

function killProcessGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Start loading execa now, for a caller about to run a command where every millisecond is
 * someone's outage (a rollback's recreate): it loads while the caller reads and writes files,
 * instead of between the restore and the compose call.
 */
export function preloadRunner(): void {
  import('execa').catch(() => undefined); // a failure shows again, and is reported, on first use
}

/** Binds options once (environment, dry-run, signal, logging) so builders' consumers just call run(cmd). */
export function createRunner(opts: RunOptions): Runner {
  return (cmd) => runCommand(cmd, opts);
}

// Node reports a missing cwd as ENOENT too; name the real cause.
function spawnError(cmd: Command, file: string, code: string): Error {
  if (cmd.cwd && !existsSync(cmd.cwd)) {
    return new UsageError(`cannot run ${file}: directory ${cmd.cwd} does not exist`);
  }
  if (code === 'EACCES') return new CommandNotFoundError(file, { message: `${file} is not executable: check its permissions` });
  return new CommandNotFoundError(file);
}
