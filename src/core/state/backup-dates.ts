import { backupIdTime } from './backup-id.js';
import type { BackupManifest } from './manifest.js';

/** Clocks of hosts sharing a state directory disagree a little; more than this is not skew. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** By its id (what sorts it) or its manifest (what "before the ramp" compares), whichever is later. */
export function backupTakenAt(backup: { id: string; manifest: Pick<BackupManifest, 'created'> }): number {
  const created = Date.parse(backup.manifest.created);
  return Math.max(backupIdTime(backup.id)?.getTime() ?? 0, Number.isNaN(created) ? 0 : created);
}

/**
 * A backup dated in the future (a planted one, or one taken on a host whose clock ran ahead)
 * would sort newest forever: rollback never picks it by default, retention gives it no `keep`
 * slot, and `backup list` flags it.
 */
export function isFutureBackup(backup: { id: string; manifest: Pick<BackupManifest, 'created'> }, now: number): boolean {
  return backupTakenAt(backup) > now + CLOCK_SKEW_MS;
}

export function futureLine(backup: { id: string; manifest: Pick<BackupManifest, 'created'> }, now: number, what: string): string {
  return `backup ${backup.id} is dated ${new Date(backupTakenAt(backup)).toISOString()}, in the future (this host says ${new Date(now).toISOString()}): ${what}`;
}
