import { RollbackError } from '../../errors.js';
import { type Backup, listBackups, readBackup } from '../state/backups.js';

export interface BackupChoice {
  backup: Backup;
  /** Why this one: named with --to, recorded by the ramp, or the newest (before the ramp, if any). */
  reason: 'requested' | 'ramp' | 'newest';
  /** Said to the operator: the ramp's backup could not be used, so another one is. */
  note?: string;
}

export interface SelectInput {
  stateDir: string;
  environment: string;
  /** --to ID */
  to?: string;
  /** The current ramp (not one already rolled back), if any. */
  ramp?: {
    /** The backup it recorded before it changed anything. */
    backupId?: string;
    /** When it started (ISO): a backup taken since may point at target. */
    startedAt: string;
  };
}

/**
 * Which backup to restore: --to, else the one the ramp took before touching the files, else the
 * newest taken before the ramp started (one taken mid-ramp may point at target), else, with no
 * ramp, the newest of the environment.
 */
export async function selectBackup(input: SelectInput): Promise<BackupChoice> {
  const list = `migrate backup list --env ${input.environment}`;
  if (input.to !== undefined) return { backup: await requested(input, list), reason: 'requested' };
  const backups = await listBackups(input.stateDir, input.environment);
  if (!input.ramp) {
    if (!backups[0]) throw noBackup(input.environment, list, '');
    return { backup: backups[0], reason: 'newest' };
  }
  const { backupId, startedAt } = input.ramp;
  if (backupId) {
    const recorded = await readBackup(input.stateDir, backupId).catch(() => undefined);
    if (recorded?.manifest.environment === input.environment) return { backup: recorded, reason: 'ramp' };
  }
  const before = backups.find((b) => Date.parse(b.manifest.created) < Date.parse(startedAt));
  if (!before) throw noBackup(input.environment, list, ` taken before its ramp started (${startedAt})`);
  const why = backupId ? `the ramp's backup ${backupId} is gone or damaged` : 'the ramp recorded no backup';
  return { backup: before, reason: 'newest', note: `${why}; using the newest backup taken before the ramp started (${startedAt})` };
}

/** One line that says how to list backups; the hint says how to avoid this next time. */
function noBackup(environment: string, list: string, which: string): RollbackError {
  return new RollbackError(`no backup of ${environment}${which} to roll back to; list backups with \`${list}\``, {
    hint: which
      ? `pick one with \`migrate rollback --env ${environment} --to ID\``
      : `take one with \`migrate backup --env ${environment}\` before changing env files`,
  });
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
