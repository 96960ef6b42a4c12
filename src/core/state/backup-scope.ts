import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RollbackError } from '../../errors.js';
import type { Backup } from './backup-store.js';

/**
 * A backup may only put back the environment's own env files. The manifest says where each
 * copy goes, and rollback writes there as whoever runs it (often root): a manifest naming any
 * other file, or another environment, is treated as corrupted rather than trusted.
 * `envFiles` are the configured files, absolute. Both sides are compared after resolving links.
 */
export async function assertBackupScope(backup: Backup, environment: string, envFiles: string[]): Promise<void> {
  const hint = `pick another with \`migrate backup list --env ${environment}\` and \`migrate rollback --env ${environment} --to ID\``;
  if (backup.manifest.environment !== environment) {
    throw new RollbackError(`backup ${backup.id} is corrupted: its manifest is for ${backup.manifest.environment}, not ${environment}`, { hint });
  }
  const allowed = new Set(await Promise.all(envFiles.map(canonical)));
  for (const file of backup.manifest.files) {
    if (path.isAbsolute(file.absolute) && allowed.has(await canonical(file.absolute))) continue;
    throw new RollbackError(`backup ${backup.id} is corrupted: it would restore ${file.absolute}, which is not an env file of ${environment}; nothing was changed`, { hint });
  }
}

/** realpath; for a file not there yet, its parent's realpath and its name (where a write would land). */
async function canonical(file: string): Promise<string> {
  const absolute = path.resolve(file);
  const real = await fs.realpath(absolute).catch(() => undefined);
  if (real) return real;
  const parent = await fs.realpath(path.dirname(absolute)).catch(() => path.dirname(absolute));
  return path.join(parent, path.basename(absolute));
}
