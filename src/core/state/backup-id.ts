import { randomBytes } from 'node:crypto';

let lastMs = 0;

/** `<stamp>-<environment>-<4 hex>`. */
const BACKUP_ID = /^\d{8}T\d{6}\.\d{3}Z-(.+)-[0-9a-f]{4}$/;

/**
 * `20261126T103012.345Z-canary-3f9a`: sorting ids as strings sorts backups by time. Within one
 * process the clock is forced forward so two backups in the same millisecond still sort in the
 * order they were taken; the random tail keeps ids from concurrent processes apart.
 */
export function newBackupId(environment: string, now: Date = new Date()): string {
  const ms = Math.max(now.getTime(), lastMs + 1);
  lastMs = ms;
  const stamp = new Date(ms).toISOString().replace(/[-:]/g, '');
  return `${stamp}-${environment}-${randomBytes(2).toString('hex')}`;
}

/** The time an id was taken, or undefined for names that are not backup ids. */
export function backupIdTime(id: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z-/.exec(id);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
}

/** The environment named in an id. */
export function backupIdEnvironment(id: string): string | undefined {
  return BACKUP_ID.exec(id)?.[1];
}

export function isBackupId(text: string): boolean {
  return BACKUP_ID.test(text);
}
