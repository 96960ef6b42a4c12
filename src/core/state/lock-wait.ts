import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError, UsageError } from '../../errors.js';
import { type Lock, type LockInfo, LockHeldError, acquireLock } from './lock.js';

export interface LockWaitOptions {
  command: string;
  /** The Context's processEnv: the lock's user when the uid has no passwd entry ($USER). */
  processEnv?: NodeJS.ProcessEnv;
  /** Holders worth waiting for (a rollback ends in minutes); any other live holder is refused at once. */
  waitFor: (holder: LockInfo) => boolean;
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Said once, when the wait begins. */
  onWait?: (holder: LockInfo) => void;
}

/** acquireLock, but a holder that `waitFor` accepts is waited for (up to timeoutMs) instead of refused. */
export async function acquireLockWaiting(stateDir: string, environment: string, opts: LockWaitOptions): Promise<Lock> {
  const started = Date.now();
  let waitingFor: LockInfo | undefined;
  for (;;) {
    try {
      return await acquireLock(stateDir, environment, { command: opts.command, processEnv: opts.processEnv });
    } catch (err) {
      if (!(err instanceof LockHeldError) || !opts.waitFor(err.holder)) throw err;
      if (!waitingFor) opts.onWait?.(err.holder);
      waitingFor = err.holder;
    }
    if (Date.now() - started >= opts.timeoutMs) {
      throw new UsageError(`${environment} is still locked by pid ${waitingFor.pid} (${waitingFor.command}) after ${Math.round(opts.timeoutMs / 1000)}s; nothing was changed`, {
        hint: `run \`migrate status --env ${environment}\`, and try again once it has finished`,
      });
    }
    try {
      await sleep(opts.pollMs ?? 200, undefined, { signal: opts.signal });
    } catch {
      throw new InterruptedError(`interrupted while waiting for pid ${waitingFor.pid} (${waitingFor.command}); nothing was changed`);
    }
  }
}
