import { UntrustedStateError } from '../state/trust.js';
import { clearRollbackRequest, loadRampState, rampFailed, rampRolledBack, saveRampState, type RampState } from '../state/ramp.js';

/** The environment's ramp state, if any; a damaged one must not stop a rollback (it is reported). */
export async function readRamp(stateDir: string, environment: string, warn: (line: string) => void): Promise<RampState | undefined> {
  try {
    return await loadRampState(stateDir, environment);
  } catch (err) {
    if (err instanceof UntrustedStateError) throw err; // a planted state directory is refused, not worked around
    warn(`ignoring the ramp state: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * After a completed rollback the ramp state must say traffic is back on legacy, so `migrate
 * status` tells the truth and `ramp --resume` does not push traffic forward again. A ramp that
 * stopped on our request has usually recorded this itself; one that died had not.
 */
export async function recordRolledBack(stateDir: string, environment: string, backupId: string): Promise<boolean> {
  const state = await loadRampState(stateDir, environment).catch(() => undefined);
  let recorded = false;
  if (state && state.status !== 'rolled-back') {
    const restored = `migrate rollback restored backup ${backupId}`;
    // A ramp that stopped on our request said why; keep that beside what we did.
    const reason = state.status === 'paused' && state.rollbackRequested && state.reason ? `${state.reason}; ${restored}` : restored;
    await saveRampState(stateDir, { ...rampRolledBack(state, reason, Date.now()), rollbackRequested: undefined });
    recorded = true;
  }
  await clearRollbackRequest(stateDir, environment);
  return recorded;
}

/**
 * A rollback that started changing things but did not finish: the ramp state must not keep
 * saying "completed" or "running", so status tells the truth and a fresh ramp is refused.
 */
export async function recordRollbackFailed(stateDir: string, environment: string, why: string): Promise<void> {
  const state = await loadRampState(stateDir, environment).catch(() => undefined);
  if (!state || state.status === 'rolled-back' || state.status === 'failed') return;
  await saveRampState(stateDir, rampFailed(state, `migrate rollback did not complete: ${why}`, Date.now()));
}
