import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { writeNewPrivateFile } from '../fs/private.js';
import { backupIdTime, newBackupId } from './backup-id.js';
import { type BackupSource, type PlannedFile, type PointsAtFn, planBackup } from './backup-plan.js';
import { type BackupManifest, MANIFEST_NAME } from './manifest.js';
import { backupDir, backupsDir, ensurePrivateDir } from './paths.js';
import { currentHost, currentUser } from './identity.js';
import { assertStateDirTrusted } from './trust.js';

export interface CreateBackupOptions {
  stateDir: string;
  environment: string;
  /** Absolute paths, or `{ path: as configured, absolute }` to keep the configured name. */
  files: Array<string | BackupSource>;
  message?: string;
  toolVersion: string;
  /** The Context's processEnv, for the manifest's user when the uid has no passwd entry ($USER). */
  processEnv?: NodeJS.ProcessEnv;
  pointsAt?: PointsAtFn;
  /** A plan from planBackup for these files, so each file is read once. */
  planned?: PlannedFile[];
  now?: Date;
}

/**
 * Snapshot env files into `backups/<id>/`. The copies are written and fsynced first and the
 * manifest last, atomically: a backup without a manifest is unfinished and never restored.
 */
export async function createBackup(opts: CreateBackupOptions): Promise<{ id: string; dir: string; manifest: BackupManifest }> {
  const planned = opts.planned ?? (await planBackup(opts.files, opts.pointsAt));
  const { id, dir } = await reserveDir(opts.stateDir, opts.environment, opts.now);
  try {
    for (const file of planned) await writeNewPrivateFile(path.join(dir, file.stored), file.content);
    const manifest = buildManifest(id, opts, planned);
    await writeFileAtomic(path.join(dir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, private: true });
    return { id, dir, manifest };
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

function buildManifest(id: string, opts: CreateBackupOptions, planned: PlannedFile[]): BackupManifest {
  return {
    version: 1,
    id,
    environment: opts.environment,
    created: (backupIdTime(id) ?? new Date()).toISOString(),
    user: currentUser(opts.processEnv ?? {}),
    host: currentHost(),
    ...(opts.message ? { message: opts.message } : {}),
    toolVersion: opts.toolVersion,
    files: planned.map(({ content: _content, ...file }) => file),
  };
}

/** mkdir is the uniqueness check: two processes can never share a backup directory. */
async function reserveDir(stateDir: string, environment: string, now?: Date): Promise<{ id: string; dir: string }> {
  await assertStateDirTrusted(stateDir);
  await ensurePrivateDir(backupsDir(stateDir));
  for (;;) {
    const id = newBackupId(environment, now);
    const dir = backupDir(stateDir, id);
    try {
      await fs.mkdir(dir, { mode: 0o700 });
      await fs.chmod(dir, 0o700);
      return { id, dir };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
