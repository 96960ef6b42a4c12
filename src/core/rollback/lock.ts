import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError, RollbackError } from '../../errors.js';
import { currentHost, currentUser } from '../state/identity.js';
import { type Lock, type LockInfo, type StaleLock, LockHeldError, acquireLock } from '../state/lock.js';
import { clearRollbackRequest, loadRampState, requestRollback } from '../state/ramp.js';

const LOCK_COMMAND = 'migrate rollback';

export interface LockWait {
  stateDir: string;
  environment: string;
  /** How long a running ramp gets to honour the request and release the lock. */
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Progress lines while waiting for a ramp (stderr). */
  onProgress?: (line: string) => void;
  /** How often progress is reported while waiting. */
  progressEveryMs?: number;
  /** The Context's processEnv: the lock's user when the uid has no passwd entry ($USER). */
  processEnv?: NodeJS.ProcessEnv;
}

export interface TakenLock {
  lock: Lock;
  /** A dead process's lock we replaced. */
  takenOver?: StaleLock;
  /** The running ramp we asked to stop, and how long it took to let go. */
  stoppedRamp?: { pid: number; waitedMs: number };
}

/**
 * Take the environment's lock. A running ramp is told to stop (it rolls back its own weight and
 * records why) and waited for, rather than fought; any other live holder is refused with who it
 * is and what to run; a dead holder's lock is taken over by acquireLock.
 */
export async function takeRollbackLock(opts: LockWait): Promise<TakenLock> {
  const started = Date.now();
  let ramp: LockInfo | undefined;
  let reported = 0;
  for (;;) {
    try {
      const lock = await acquireLock(opts.stateDir, opts.environment, { command: LOCK_COMMAND, processEnv: opts.processEnv });
      const stoppedRamp = ramp ? { pid: ramp.pid, waitedMs: Date.now() - started } : undefined;
      return { lock, takenOver: lock.takenOver, stoppedRamp };
    } catch (err) {
      if (!(err instanceof LockHeldError)) throw err;
      if (!(await heldByRamp(opts, err.holder))) throw refused(opts.environment, err);
      if (!ramp) {
        ramp = err.holder;
        await requestRollback(opts.stateDir, opts.environment, { at: new Date().toISOString(), by: `${currentUser(opts.processEnv ?? {})} (${LOCK_COMMAND})` });
        opts.onProgress?.(`a ramp of ${opts.environment} is running (pid ${ramp.pid}): asked it to stop; waiting for it to release the lock`);
      }
    }
    const waited = Date.now() - started;
    if (waited >= opts.timeoutMs) throw rampDidNotStop(opts, ramp);
    if (waited - reported >= (opts.progressEveryMs ?? 5000)) {
      reported = waited;
      opts.onProgress?.(`still waiting for the ramp (pid ${ramp.pid}) to stop: ${Math.round(waited / 1000)}s of ${Math.round(opts.timeoutMs / 1000)}s`);
    }
    try {
      await pause(Math.min(opts.pollMs ?? 200, opts.timeoutMs - waited), opts.signal);
    } catch (err) {
      // "Nothing was changed" must hold: take back the request, or the ramp stops for a rollback that never comes.
      await clearRollbackRequest(opts.stateDir, opts.environment);
      throw err;
    }
  }
}

/** The holder is a ramp: by its command, or because the ramp state names it as its owner. */
async function heldByRamp(opts: LockWait, holder: LockInfo): Promise<boolean> {
  if (holder.host !== currentHost()) return false; // we cannot wait on what we cannot see
  if (/\bramp\b/.test(holder.command)) return true;
  const state = await loadRampState(opts.stateDir, opts.environment).catch(() => undefined);
  return state?.status === 'running' && state.lock?.pid === holder.pid;
}

function refused(environment: string, err: LockHeldError): RollbackError {
  const { holder, file } = err;
  const again = `migrate rollback --env ${environment}`;
  const hint =
    holder.host === currentHost()
      ? `wait for pid ${holder.pid} to finish or stop it (kill ${holder.pid}), then run \`${again}\``
      : `stop it on ${holder.host}; if that process is gone, delete ${file} and run \`${again}\``;
  return new RollbackError(err.message, { hint, cause: err });
}

function rampDidNotStop(opts: LockWait, ramp: LockInfo | undefined): RollbackError {
  const pid = ramp?.pid ?? '?';
  return new RollbackError(`the ramp of ${opts.environment} (pid ${pid}) did not stop within ${Math.round(opts.timeoutMs / 1000)}s; nothing was changed`, {
    hint: `stop it (kill ${pid}), then run \`migrate rollback --env ${opts.environment}\` again`,
  });
}

async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(Math.max(ms, 0), undefined, { signal });
  } catch (err) {
    if (signal?.aborted) throw new InterruptedError('interrupted while waiting for the ramp to stop; nothing was changed');
    throw err;
  }
}
