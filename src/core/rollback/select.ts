import { RollbackError } from '../../errors.js';
import { type Backup, listBackups, readBackup } from '../state/backups.js';

export interface BackupChoice {
  backup: Backup;
  /** Why this one: named with --to, recorded by the ramp, or the newest. */
  reason: 'requested' | 'ramp' | 'newest';
  /** Said to the operator: the ramp's backup could not be used, so the newest one is. */
  note?: string;
}

export interface SelectInput {
  stateDir: string;
  environment: string;
  /** --to ID */
  to?: string;
  /** The backup the environment's ramp recorded before it changed anything. */
  rampBackupId?: string;
}

/**
 * Which backup to restore: --to, else the one the ramp took before touching the files (the
 * newest may have been taken mid-ramp, pointing at target), else the newest of the environment.
 */
export async function selectBackup(input: SelectInput): Promise<BackupChoice> {
  const list = `migrate backup list --env ${input.environment}`;
  if (input.to !== undefined) return { backup: await requested(input, list), reason: 'requested' };
  if (input.rampBackupId) {
    const recorded = await readBackup(input.stateDir, input.rampBackupId).catch(() => undefined);
    if (recorded?.manifest.environment === input.environment) return { backup: recorded, reason: 'ramp' };
  }
  const note = input.rampBackupId ? `the ramp's backup ${input.rampBackupId} is gone or damaged; using the newest backup` : undefined;
  const [newest] = await listBackups(input.stateDir, input.environment);
  if (!newest) {
    throw new RollbackError(`no backup of ${input.environment} to roll back to`, {
      hint: `run \`${list}\` to see the backups there are; take one with \`migrate backup --env ${input.environment}\` before changing env files`,
    });
  }
  return { backup: newest, reason: 'newest', note };
}

async function requested(input: SelectInput, list: string): Promise<Backup> {
  const backup = await readBackup(input.stateDir, input.to!).catch((err: unknown) => {
    if (!(err instanceof RollbackError)) throw err;
    throw new RollbackError(err.message, { hint: `list backups with \`${list}\`, then pass one with --to ID`, cause: err });
  });
  if (backup.manifest.environment !== input.environment) {
    throw new RollbackError(`backup ${backup.id} belongs to ${backup.manifest.environment}, not ${input.environment}`, {
      hint: `list ${input.environment}'s backups with \`${list}\``,
    });
  }
  return backup;
}
