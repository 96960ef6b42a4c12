import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RollbackError } from '../../errors.js';
import { looksSecret } from '../config/secrets.js';
import { type KeyDiff, diffKeys } from '../envfile/diff.js';
import { parse, values } from '../envfile/parse.js';
import { type Backup } from '../state/backup-store.js';
import { type PointsAt, fileMode } from '../state/manifest.js';
import { type ProviderUrls, classifyEnvValues } from '../state/points-at.js';
import { sha256 } from '../state/backup-plan.js';

/** One env file put back: the backup's exact bytes over whatever is there now. */
export interface FileRestore {
  /** As written in the config. */
  path: string;
  absolute: string;
  content: Buffer;
  /** For a file that no longer exists; an existing file keeps its own mode. */
  mode: number;
  exists: boolean;
  /** The bytes on disk differ from the backup's. */
  changed: boolean;
  /** Keys the restore adds, removes or changes: names only, never values. */
  diff: KeyDiff;
}

export interface RestorePlan {
  backup: Backup;
  files: FileRestore[];
  /** Where the restored files send traffic, judged with today's provider URLs. */
  pointsAt: PointsAt;
  /** Secret-looking values on either side (DB passwords too), to redact from every line printed. */
  secrets: string[];
  /** Env files the config lists that the backup does not hold: left as they are. */
  notInBackup: string[];
}

/**
 * Compare the backup with the files on disk. Reads only; the stored copies' checksums are
 * checked again here, so the bytes planned are exactly the bytes that were verified. A re-plan
 * passes the copies its first plan verified (`copies`, in manifest order) rather than reading them again.
 */
export async function planRestore(backup: Backup, providers: ProviderUrls, configured: string[] = [], copies?: Buffer[]): Promise<RestorePlan> {
  const secrets = new Set<string>();
  const files: FileRestore[] = [];
  const merged: Record<string, string> = {};
  for (const [i, file] of backup.manifest.files.entries()) {
    const content = copies?.[i] ?? (await storedCopy(backup, file));
    const current = await readCurrent(file.absolute);
    const after = values(parse(content.toString('utf8')));
    const before = current === undefined ? {} : values(parse(current.toString('utf8')));
    collectSecrets(secrets, before, after);
    Object.assign(merged, after); // later files win, as with compose's env_file list
    files.push({
      path: file.path,
      absolute: file.absolute,
      content,
      mode: fileMode(file),
      exists: current !== undefined,
      changed: current === undefined || !current.equals(content),
      diff: diffKeys(before, after),
    });
  }
  const held = new Set(files.map((f) => path.resolve(f.absolute)));
  const notInBackup = configured.filter((f) => !held.has(path.resolve(f)));
  return { backup, files, pointsAt: classifyEnvValues(merged, providers), secrets: [...secrets], notInBackup };
}

async function storedCopy(backup: Backup, file: Backup['manifest']['files'][number]): Promise<Buffer> {
  const copy = path.join(backup.dir, file.stored);
  const content = await fs.readFile(copy).catch(() => undefined);
  if (!content || sha256(content) !== file.sha256) {
    throw new RollbackError(`backup ${backup.id} is corrupted: ${file.path} (${copy}) does not match its manifest`, {
      hint: `pick another with \`migrate backup list --env ${backup.manifest.environment}\` and \`migrate rollback --to ID\``,
    });
  }
  return content;
}

/** undefined when the file is gone (the restore recreates it); any other read error stops the plan. */
async function readCurrent(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new RollbackError(`cannot read ${file} (${code ?? (err as Error).message}); nothing was changed`, {
      hint: `fix its permissions (or run as its owner), then run \`migrate rollback\` again`,
    });
  }
}

function collectSecrets(found: Set<string>, ...sides: Record<string, string>[]): void {
  for (const side of sides) for (const [key, value] of Object.entries(side)) if (looksSecret(key) && value) found.add(value);
}

/** Every key name the restore touches, sorted: what `--json` calls changedKeys. */
export function changedKeys(diff: KeyDiff): string[] {
  return [...diff.added, ...diff.removed, ...diff.changed].sort();
}
