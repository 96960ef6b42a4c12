import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RollbackError } from '../../errors.js';
import { backupIdEnvironment, backupIdTime } from './backup-id.js';
import { isFutureBackup } from './backup-dates.js';
import { type BackupManifest, MANIFEST_NAME, manifestSchema } from './manifest.js';
import { backupDir, backupsDir } from './paths.js';
import { UntrustedStateError, assertStateDirTrusted, assertTrusted } from './trust.js';

export interface Backup {
  id: string;
  /** The backup's directory; each file's copy is `path.join(dir, file.stored)`. */
  dir: string;
  manifest: BackupManifest;
}

/** An unfinished backup (no manifest) older than this is left over from a crash. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/** A backup that cannot be restored, shown so nobody takes an older one for the newest. */
export interface DamagedBackup {
  id: string;
  /** From the id (the manifest that would say it cannot be read). */
  environment?: string;
  /** `unfinished`: no manifest, older than an hour (a crash; the manifest is written last). */
  state: 'damaged' | 'unfinished';
  /** One line, from the manifest's shape only: never a key or a value from the env files. */
  reason: string;
}

export interface BackupScan {
  /** Finished backups, newest first. */
  backups: Backup[];
  /** Damaged and unfinished ones, newest first; one still being written is in neither list. */
  damaged: DamagedBackup[];
}

/** Finished backups, newest first. Unfinished or damaged ones are skipped: they cannot be restored. */
export async function listBackups(stateDir: string, environment?: string): Promise<Backup[]> {
  return (await scanBackups(stateDir, environment)).backups;
}

/** Every backup of the environment (or all), sorted into those that load and those that do not. */
export async function scanBackups(stateDir: string, environment?: string, now: Date = new Date()): Promise<BackupScan> {
  const scan: BackupScan = { backups: [], damaged: [] };
  for (const id of await backupIds(stateDir)) {
    const loaded = await loadBackup(stateDir, id).catch((err: unknown) => {
      if (err instanceof UntrustedStateError) throw err; // planted, not merely damaged: say so
      return err instanceof Error ? err : new Error(String(err));
    });
    if (!(loaded instanceof Error)) {
      if (environment === undefined || loaded.manifest.environment === environment) scan.backups.push(loaded);
      continue;
    }
    const idEnvironment = backupIdEnvironment(id);
    if (environment !== undefined && idEnvironment !== environment) continue;
    const unfinished = loaded instanceof NoManifestError;
    if (unfinished && !olderThanAnHour(id, now)) continue; // may still be being written
    scan.damaged.push({ id, environment: idEnvironment, state: unfinished ? 'unfinished' : 'damaged', reason: loaded.message });
  }
  scan.backups.sort((a, b) => byIdNewestFirst(a.id, b.id));
  scan.damaged.sort((a, b) => byIdNewestFirst(a.id, b.id));
  return scan;
}

/** Backup ids sort by time: newest first. */
export function byIdNewestFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

function olderThanAnHour(id: string, now: Date): boolean {
  const taken = backupIdTime(id);
  return !taken || now.getTime() - taken.getTime() >= ABANDONED_AFTER_MS;
}

/** The manifest is written last: without one, the backup was never finished. */
class NoManifestError extends Error {}

/** One backup by id; a missing or damaged one is an error that says how to find a good one. */
export async function readBackup(stateDir: string, id: string): Promise<Backup> {
  const dir = backupDir(stateDir, id);
  const hint = 'list backups with `migrate backup list`, then pass one with --to ID';
  await assertStateDirTrusted(stateDir);
  if (!(await fs.stat(dir).catch(() => undefined))) throw new RollbackError(`no backup ${id} in ${backupsDir(stateDir)}`, { hint });
  try {
    return await loadBackup(stateDir, id);
  } catch (err) {
    if (err instanceof UntrustedStateError) throw err;
    throw new RollbackError(`backup ${id} is unfinished or damaged: ${(err as Error).message}`, { hint, cause: err });
  }
}

/**
 * Keep the newest `keep` backups of an environment and delete the rest, except those listed in
 * `protect` (the backup an unfinished ramp will roll back to). Also removes unfinished backups
 * left by a crash. Backups dated in the future count after every other one. Returns the ids removed.
 */
export async function pruneBackups(stateDir: string, environment: string, keep: number, opts: { protect?: string[]; now?: Date } = {}): Promise<string[]> {
  const protect = new Set(opts.protect ?? []);
  const now = opts.now ?? new Date();
  // A backup dated in the future is ranked oldest: its date cannot be believed, and sorted by id
  // it would hold a `keep` slot forever and never be pruned.
  const backups = await listBackups(stateDir, environment);
  const ranked = [...backups.filter((b) => !isFutureBackup(b, now.getTime())), ...backups.filter((b) => isFutureBackup(b, now.getTime()))];
  const doomed = ranked
    .slice(Math.max(keep, 0))
    .filter((b) => !protect.has(b.id))
    .map((b) => b.id);
  doomed.push(...(await abandoned(stateDir, environment, now)));
  for (const id of doomed) await fs.rm(backupDir(stateDir, id), { recursive: true, force: true });
  return doomed;
}

async function abandoned(stateDir: string, environment: string, now: Date): Promise<string[]> {
  const ids: string[] = [];
  for (const id of await backupIds(stateDir)) {
    if (!backupIdTime(id) || backupIdEnvironment(id) !== environment) continue;
    if (!olderThanAnHour(id, now)) continue; // may still be being written
    if (!(await fs.stat(path.join(backupDir(stateDir, id), MANIFEST_NAME)).catch(() => undefined))) ids.push(id);
  }
  return ids;
}

async function backupIds(stateDir: string): Promise<string[]> {
  await assertStateDirTrusted(stateDir);
  const entries = await fs.readdir(backupsDir(stateDir), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
}

/** The directory and manifest are checked before they are read, the copies before anyone reads them. */
async function loadBackup(stateDir: string, id: string): Promise<Backup> {
  const dir = backupDir(stateDir, id);
  await assertTrusted(stateDir, dir, path.join(dir, MANIFEST_NAME));
  const text = await fs.readFile(path.join(dir, MANIFEST_NAME), 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT' ? new NoManifestError(`${MANIFEST_NAME} is missing`) : new Error(`${MANIFEST_NAME}: ${err.code}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${MANIFEST_NAME} is not valid JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${MANIFEST_NAME} ${issue.path.join('.')}: ${issue.message}`);
  }
  if (parsed.data.id !== id) throw new Error(`${MANIFEST_NAME} says it is ${parsed.data.id}`);
  await assertTrusted(stateDir, ...parsed.data.files.map((f) => path.join(dir, f.stored)));
  return { id, dir, manifest: parsed.data };
}
