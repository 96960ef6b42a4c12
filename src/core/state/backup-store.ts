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

/** Finished backups, newest first. Unfinished or damaged ones are skipped: they cannot be restored. */
export async function listBackups(stateDir: string, environment?: string): Promise<Backup[]> {
  const found: Backup[] = [];
  for (const id of await backupIds(stateDir)) {
    const backup = await loadBackup(stateDir, id).catch((err: unknown) => {
      if (err instanceof UntrustedStateError) throw err; // planted, not merely damaged: say so
      return undefined;
    });
    if (backup && (environment === undefined || backup.manifest.environment === environment)) found.push(backup);
  }
  return found.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

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
    const taken = backupIdTime(id);
    if (!taken || backupIdEnvironment(id) !== environment) continue;
    if (now.getTime() - taken.getTime() < ABANDONED_AFTER_MS) continue; // may still be being written
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
    throw new Error(err.code === 'ENOENT' ? `${MANIFEST_NAME} is missing` : `${MANIFEST_NAME}: ${err.code}`);
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
