import { setTimeout as sleep } from 'node:timers/promises';
import { RollbackError } from '../../errors.js';
import { baseArgv, type ComposeProject } from '../compose/project.js';
import { describeNotReady, waitForServices, type WaitOptions, type WaitResult } from '../compose/wait.js';
import type { Command, Runner } from '../exec/command.js';
import { CommandFailedError, lastLine } from '../exec/errors.js';
import { formatArgv } from '../exec/format.js';

/**
 * Run the recreate. The runner given here must not carry the abort signal: a recreate cut in
 * half leaves services stopped, which is worse than finishing it.
 */
export async function recreateServices(cmd: Command, run: Runner, next: { again: string; redact: (t: string) => string }): Promise<number> {
  const result = await run(cmd);
  if (result.exitCode === 0) return result.durationMs;
  const why = result.timedOut ? `timed out after ${Math.round((cmd.timeoutMs ?? 0) / 1000)}s` : `exited with code ${result.exitCode}`;
  const last = next.redact(lastLine(result.stderr));
  throw new RollbackError(`env files are restored but recreating the services failed: \`${formatArgv(cmd.argv)}\` ${why}${last ? `: ${last}` : ''}`, {
    hint: `run \`${formatArgv(cmd.argv)}\` by hand (in ${cmd.cwd ?? '.'}), then \`${next.again}\` to verify`,
  });
}

/** Failed `ps`/`inspect` calls tolerated in one wait: a daemon busy recreating can fail a call. */
const MAX_POLL_FAILURES = 3;
const POLL_MS = 100;

/** Until every recreated service runs (and is healthy where it has a healthcheck), within the deadline. */
export async function waitUntilReady(
  project: ComposeProject,
  services: string[],
  opts: { timeoutMs: number; signal?: AbortSignal; run: Runner; again: string; redact: (t: string) => string; onListed?: WaitOptions['onListed'] },
): Promise<WaitResult> {
  const result = await pollRetrying(project, services, opts);
  if (result.ready) return result;
  const why = result.timedOut ? `not ready after ${Math.round(opts.timeoutMs / 1000)}s` : 'failed';
  throw new RollbackError(`env files are restored and services recreated, but ${services.join(', ')} ${why}`, {
    details: describeNotReady(result).map(opts.redact),
    hint: `see why with \`${logsCommand(project, services)}\`; once fixed, run \`${opts.again}\` to verify`,
  });
}

/**
 * waitForServices, started again (within the same deadline) after a failed `ps` or `inspect`,
 * so one transient failure does not end an incident's rollback; a failure that persists does.
 */
async function pollRetrying(
  project: ComposeProject,
  services: string[],
  opts: { timeoutMs: number; signal?: AbortSignal; run: Runner; again: string; redact: (t: string) => string; onListed?: WaitOptions['onListed'] },
): Promise<WaitResult> {
  const deadline = Date.now() + opts.timeoutMs;
  for (let failures = 1; ; failures++) {
    try {
      return await waitForServices(project, services, {
        timeoutMs: Math.max(deadline - Date.now(), 0),
        intervalMs: POLL_MS,
        signal: opts.signal,
        run: opts.run,
        onListed: opts.onListed,
      });
    } catch (err) {
      if (!(err instanceof CommandFailedError)) throw err;
      if (failures >= MAX_POLL_FAILURES || Date.now() >= deadline) {
        throw new RollbackError(`env files are restored and services recreated, but checking ${services.join(', ')} failed: ${opts.redact(err.message)}`, {
          hint: `see why with \`${formatArgv(err.command.argv)}\` and \`${logsCommand(project, services)}\`; once fixed, run \`${opts.again}\` to verify`,
          cause: err,
        });
      }
      await sleep(POLL_MS, undefined, { signal: opts.signal }); // an abort rejects: apply reports the interrupt
    }
  }
}

function logsCommand(project: ComposeProject, services: string[]): string {
  return formatArgv([...baseArgv(project), 'logs', '--tail', '50', ...services]);
}
