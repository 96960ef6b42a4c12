import { RollbackError } from '../../errors.js';
import { type Backup, type DamagedBackup, readBackup, scanBackups } from '../state/backup-store.js';
import { backupIdTime } from '../state/backup-id.js';
import { futureLine, isFutureBackup as isFuture } from '../state/backup-dates.js';

export interface BackupChoice {
  backup: Backup;
  /** Why this one: named with --to, recorded by the ramp, or the newest (before the ramp, if any). */
  reason: 'requested' | 'ramp' | 'newest';
  /** Said to the operator: the ramp's backup could not be used, so another one is. */
  note?: string;
  /** Said to the operator: backups dated in the future, passed over (or, with --to, chosen). */
  warnings: string[];
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
  now?: Date;
}

/**
 * Which backup to restore: --to, else the one the ramp took before touching the files, else the
 * newest taken before the ramp started (one taken mid-ramp may point at target), else, with no
 * ramp, the newest of the environment.
 */
export async function selectBackup(input: SelectInput): Promise<BackupChoice> {
  const list = `migrate backup list --env ${input.environment}`;
  const now = (input.now ?? new Date()).getTime();
  if (input.to !== undefined) {
    const backup = await requested(input, input.to, list);
    return { backup, reason: 'requested', warnings: isFuture(backup, now) ? [futureLine(backup, now, 'restoring it because --to names it')] : [] };
  }
  // Sorted newest first, a backup dated in the future would win every time: never by default.
  const { backups: all, damaged } = await scanBackups(input.stateDir, input.environment, new Date(now));
  const backups = all.filter((b) => !isFuture(b, now));
  const warnings = all.filter((b) => isFuture(b, now)).map((b) => futureLine(b, now, `passed over; pick it only with --to ${b.id}`));
  if (!input.ramp) {
    const hidden = newerDamaged(damaged, backups[0], now);
    if (hidden) throw damagedBackup(`the newest backup of ${input.environment}`, hidden, backups[0], input.environment, list);
    if (!backups[0]) throw noBackup(input.environment, list, '');
    return { backup: backups[0], reason: 'newest', warnings };
  }
  const { backupId, startedAt } = input.ramp;
  if (backupId) {
    const recorded = await readBackup(input.stateDir, backupId).catch(() => undefined);
    if (recorded?.manifest.environment === input.environment) return { backup: recorded, reason: 'ramp', warnings: [] };
  }
  const before = backups.find((b) => Date.parse(b.manifest.created) < Date.parse(startedAt));
  // The ramp's own backup is the state before it: damaged (not gone), an older one is not a stand-in.
  const ramps = damaged.find((d) => d.id === backupId && d.state === 'damaged');
  if (ramps) throw damagedBackup(`the ramp's backup of ${input.environment}`, ramps, before, input.environment, list);
  if (!before) throw noBackup(input.environment, list, ` taken before its ramp started (${startedAt})`);
  const why = backupId ? `the ramp's backup ${backupId} is gone or damaged` : 'the ramp recorded no backup';
  return { backup: before, reason: 'newest', note: `${why}; using the newest backup taken before the ramp started (${startedAt})`, warnings };
}

/** One line that says how to list backups; the hint says how to avoid this next time. */
function noBackup(environment: string, list: string, which: string): RollbackError {
  return new RollbackError(`no backup of ${environment}${which} to roll back to; list backups with \`${list}\``, {
    hint: which ? `pick one with \`migrate rollback --env ${environment} --to ID\`` : `take one with \`migrate backup --env ${environment}\` before changing env files`,
  });
}

/**
 * A damaged backup newer than the one the default would restore: restoring the older one would
 * "succeed" to a state the operator did not mean (maybe days old). Unfinished ones (a crash before
 * the manifest was written) were never a restore point; one dated in the future would be passed over.
 */
function newerDamaged(damaged: DamagedBackup[], newest: Backup | undefined, now: number): DamagedBackup | undefined {
  return damaged.find((d) => d.state === 'damaged' && (!newest || d.id > newest.id) && (backupIdTime(d.id)?.getTime() ?? 0) <= now);
}

function damagedBackup(which: string, damaged: DamagedBackup, good: Backup | undefined, environment: string, list: string): RollbackError {
  const message = `${which}, ${damaged.id}, is damaged (${damaged.reason}); refusing to restore an older one by default`;
  if (!good) return new RollbackError(message, { hint: `no good backup of ${environment} is left; see \`${list}\`` });
  return new RollbackError(message, {
    hint: `the newest good one is ${good.id} (taken ${good.manifest.created}): if that is the state you want, run \`migrate rollback --env ${environment} --to ${good.id}\``,
  });
}

async function requested(input: SelectInput, id: string, list: string): Promise<Backup> {
  const backup = await readBackup(input.stateDir, id).catch((err: unknown) => {
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
